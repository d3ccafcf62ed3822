# This configuration file will be evaluated by Puma. The top-level methods that
# are invoked here are part of Puma's configuration DSL. For more information
# about methods provided by the DSL, see https://puma.io/puma/Puma/DSL.html.
#
# Puma starts a configurable number of processes (workers) and each process
# serves each request in a thread from an internal thread pool.
#
# The default is set to 3 threads as it's deemed a decent compromise between
# throughput and latency for the average Rails application.
#
# Any libraries that use a connection pool or another resource pool should
# be configured to provide at least as many connections as the number of
# threads. This includes Active Record's connection pool in `database.yml`.
threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)
threads threads_count, threads_count

# Specifies the `port` that Puma will listen on to receive requests; default is 3000.
port ENV.fetch("PORT", 3000)

# Allow puma to be restarted by `bin/rails restart` command.
plugin :tmp_restart

# What Puma answers by itself keeps the API's contract (lib/http_contract/puma.rb): a declared
# body over 1 MiB is refused with 413 before it is read, every method reaches the app (which
# answers 501 for those the API does not have), and Puma's own refusals are problem details.
require_relative "../lib/http_contract/puma"
http_content_length_limit 1_048_576
supported_http_methods :any
lowlevel_error_handler { |error, env, status| HttpContract::PumaAnswers.lowlevel_error(error, env, status) }

# Specify the PID file. Defaults to tmp/pids/server.pid in development.
# In other environments, only set the PID file if requested.
pidfile ENV["PIDFILE"] if ENV["PIDFILE"]
