# Every error answer is an RFC 9457 problem detail (application/problem+json): never HTML, never a
# stack trace. Exceptions nobody expected are logged and answered with a generic 500; the ones
# Rails maps to a status (a malformed JSON body is 400, ...) keep that status.
module ProblemDetails
  extend ActiveSupport::Concern

  # A request that breaks the API's rules: a 400, with `errors` ({ pointer:, detail: }) if any.
  class InvalidRequest < StandardError
    attr_reader :errors

    def initialize(detail, errors = [])
      super(detail)
      @errors = errors
    end
  end

  TITLES = {
    400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", 406 => "Not Acceptable",
    413 => "Content Too Large", 415 => "Unsupported Media Type", 500 => "Internal Server Error"
  }.freeze

  included do
    rescue_from StandardError, with: :render_exception
    rescue_from InvalidRequest do |error|
      render_problem :bad_request, error.message, errors: error.errors
    end
  end

  private
    def render_problem(status, detail, errors: [], instance: request.path, headers: {})
      code = Rack::Utils.status_code(status)
      body = { type: "about:blank", title: TITLES.fetch(code) { Rack::Utils::HTTP_STATUS_CODES.fetch(code, "Error") },
               status: code, detail: detail, instance: instance }
      body[:errors] = errors if errors.any?
      response.headers.merge!(headers)
      render json: body, status: code, content_type: "application/problem+json"
    end

    def render_exception(error)
      code = ActionDispatch::ExceptionWrapper.status_code_for_exception(error.class.name)
      if code >= 500
        Rails.logger.error([ "#{error.class}: #{error.message}", *error.backtrace&.first(20) ].join("\n  "))
        render_problem code, "The server could not answer"
      else
        render_problem code, "The request could not be answered: #{TITLES.fetch(code) { Rack::Utils::HTTP_STATUS_CODES[code] }}"
      end
    end
end
