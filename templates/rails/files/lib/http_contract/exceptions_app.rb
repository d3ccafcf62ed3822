require_relative "problem"

module HttpContract
  # config.exceptions_app: what Rails answers for an exception no controller rescued (a query
  # Rack cannot parse, a host that is not allowed, ...). A plain Rack app on purpose: a
  # controller would read the request's parameters again, fail the same way, and leave Rails
  # with its plain-text failsafe page.
  module ExceptionsApp
    module_function

    def call(env)
      status = env["PATH_INFO"].to_s.delete_prefix("/").to_i
      status = 500 unless status.between?(400, 599)
      instance = env["action_dispatch.original_path"]
      invalid = env["action_dispatch.exception"]&.cause
      if invalid.is_a?(InvalidRequest)
        Problem.response(status, invalid.message, instance: instance, errors: invalid.errors)
      else
        Problem.response(status, status >= 500 ? "The server could not answer" : "The request could not be answered",
          instance: instance)
      end
    end
  end
end
