# The login throttle (docs/api-contract.md, "Throttling"): after AUTH_MAX_FAILURES failed
# logins for one email or from one client address within AUTH_FAILURE_WINDOW_SECONDS, every
# login for that email or from that address is refused until the window of the oldest counted
# failure ends. A model that keeps failures includes it and gives `recent_failures(key, value)`:
# the times of the newest max_failures failures of one key, newest first.
module LoginThrottle
  extend ActiveSupport::Concern

  class_methods do
    # Seconds until a login for this email from this address may be tried (0: now).
    def wait(email:, address:)
      now = Time.current
      [ seconds_left(recent_failures(:email_digest, email_digest(email)), now),
        seconds_left(recent_failures(:ip_address, address), now) ].max
    end

    def max_failures
      Rails.configuration.x.auth.max_failures
    end

    def window
      Rails.configuration.x.auth.failure_window
    end

    # Emails are counted by digest: the table holds no address that was merely tried.
    def email_digest(email)
      Digest::SHA256.hexdigest(User.normalize_email(email))
    end

    private
      def seconds_left(newest, now)
        return 0 if newest.size < max_failures

        [ (newest[max_failures - 1] + window - now).ceil, 0 ].max
      end
  end
end
