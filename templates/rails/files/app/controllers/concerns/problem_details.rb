# Every error answer is an RFC 9457 problem detail (application/problem+json): never HTML, never a
# stack trace. Exceptions nobody expected are logged and answered with a generic 500; the ones
# Rails maps to a status (a body that is not JSON is 400, ...) keep that status. The body is
# built by HttpContract::Problem (lib/http_contract/problem.rb), as outside the controllers.
module ProblemDetails
  extend ActiveSupport::Concern

  # A request that breaks the API's rules: a 400, with `errors` ({ pointer:, detail: }) if any.
  InvalidRequest = HttpContract::InvalidRequest

  included do
    rescue_from StandardError, with: :render_exception
    rescue_from InvalidRequest do |error|
      render_problem :bad_request, error.message, errors: error.errors
    end
    # A JSON body HttpContract::JsonParser refused: not UTF-8, not JSON, an unpaired surrogate.
    rescue_from ActionDispatch::Http::Parameters::ParseError do |error|
      invalid = error.cause
      if invalid.is_a?(InvalidRequest)
        render_problem :bad_request, invalid.message, errors: invalid.errors
      else
        render_problem :bad_request, "The request body could not be read"
      end
    end
  end

  private
    def render_problem(status, detail, errors: [], instance: request.path, headers: {})
      code = Rack::Utils.status_code(status)
      response.headers.merge!(headers)
      render json: HttpContract::Problem.body(code, detail, instance: instance, errors: errors), status: code,
        content_type: HttpContract::Problem::MEDIA_TYPE
    end

    def render_exception(error)
      code = ActionDispatch::ExceptionWrapper.status_code_for_exception(error.class.name)
      if code >= 500
        Rails.logger.error([ "#{error.class}: #{error.message}", *error.backtrace&.first(20) ].join("\n  "))
        render_problem code, "The server could not answer"
      else
        render_problem code, "The request could not be answered: #{HttpContract::Problem.title(code)}"
      end
    end
end
