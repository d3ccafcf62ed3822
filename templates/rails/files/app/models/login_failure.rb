# Failed logins, one row each, for the LoginThrottle. They are in the database so that every
# Puma worker sees the same count (Rails' rate_limit counts in the cache store, which is per
# process with the memory store, and counts requests rather than failures).
class LoginFailure < ApplicationRecord
  include LoginThrottle

  class << self
    def record(email:, address:)
      where(created_at: ...window.ago).delete_all
      create!(email_digest: email_digest(email), ip_address: address)
    end

    # A successful login clears its email's failures, not its address's.
    def clear(email:)
      where(email_digest: email_digest(email)).update_all(email_digest: nil)
    end

    private
      def recent_failures(key, value)
        where(key => value, created_at: window.ago..).order(created_at: :desc).limit(max_failures).pluck(:created_at)
      end
  end
end
