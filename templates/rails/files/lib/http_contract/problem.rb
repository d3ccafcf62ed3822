require "json"

# The HTTP contract of this API where no controller answers: in the Rack middleware that checks
# every request (request_rules.rb), in config.exceptions_app (exceptions_app.rb) and in Puma's own
# answers (puma.rb). Loaded by config/application.rb and config/puma.rb, outside the autoloader.
module HttpContract
  # The reason phrases of RFC 9110: a problem's title.
  TITLES = {
    400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found",
    405 => "Method Not Allowed", 406 => "Not Acceptable", 408 => "Request Timeout", 409 => "Conflict",
    413 => "Content Too Large", 414 => "URI Too Long", 415 => "Unsupported Media Type",
    422 => "Unprocessable Content", 429 => "Too Many Requests", 431 => "Request Header Fields Too Large",
    500 => "Internal Server Error", 501 => "Not Implemented", 503 => "Service Unavailable"
  }.freeze

  # A request that breaks the API's rules: a 400 problem, with `errors` ({ pointer:, detail: }),
  # the members at fault, if any.
  class InvalidRequest < StandardError
    attr_reader :errors

    def initialize(detail, errors = [])
      super(detail)
      @errors = errors
    end
  end

  # An RFC 9457 problem detail (application/problem+json): every answer with a status of 400 or more.
  module Problem
    MEDIA_TYPE = "application/problem+json".freeze

    module_function

    def title(status)
      TITLES.fetch(status) { status < 500 ? "Bad Request" : "Internal Server Error" }
    end

    # The body: `instance` is the path as sent (nil leaves it out), `errors` the members that
    # broke a rule ({ pointer:, detail: }).
    def body(status, detail, instance: nil, errors: [])
      problem = { type: "about:blank", title: title(status), status: status, detail: detail }
      problem[:instance] = instance if instance
      problem[:errors] = errors if errors.any?
      problem
    end

    # The whole answer, for Rack.
    def response(status, detail, instance: nil, errors: [], headers: {})
      json = JSON.generate(body(status, detail, instance: instance, errors: errors))
      [ status, { "content-type" => MEDIA_TYPE, "content-length" => json.bytesize.to_s }.merge(headers), [ json ] ]
    end
  end
end
