# Debian's sqlite3 gem (1.x) waits for a locked database inside SQLite while it holds Ruby's
# global lock, so the request that holds the database lock cannot run to release it, and
# parallel writes fail with "database is locked" once the timeout is over. Waiting in Ruby
# (sleep) lets it run. With sqlite3 2.x, Rails waits that way itself (busy_handler_timeout).
ActiveSupport.on_load(:active_record_sqlite3adapter) do
  prepend(Module.new do
    private
      def configure_connection
        super
        return if @raw_connection.respond_to?(:busy_handler_timeout=)

        @raw_connection.busy_handler do |count|
          sleep 0.001
          count < 5_000
        end
      end
  end)
end
