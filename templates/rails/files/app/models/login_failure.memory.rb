# Failed logins kept in memory (this app has no database), for the LoginThrottle. Puma runs one
# process (config/puma.rb sets no workers), so every request counts against the same failures.
class LoginFailure
  include LoginThrottle

  @times = Hash.new { |times, key| times[key] = [] }
  @lock = Mutex.new

  class << self
    def record(email:, address:)
      now = Time.current
      @lock.synchronize do
        [ [ :email_digest, email_digest(email) ], [ :ip_address, address ] ].each do |key|
          @times[key].reject! { |time| time <= now - window }
          @times[key] << now
        end
      end
    end

    # A successful login clears its email's failures, not its address's.
    def clear(email:)
      @lock.synchronize { @times.delete([ :email_digest, email_digest(email) ]) }
    end

    def delete_all
      @lock.synchronize { @times.clear }
    end

    private
      def recent_failures(key, value)
        since = Time.current - window
        @lock.synchronize { @times.fetch([ key, value ], []).select { |time| time > since }.reverse.first(max_failures) }
      end
  end
end
