# The rules of a request body, for the actions that read one (before_action :require_json_body):
# at most 1 MiB of application/json, in UTF-8. config/initializers/request_bodies.rb parses it
# (HttpContract::JsonParser); json_object gives it as a Hash of its members, as sent.
module JsonBody
  extend ActiveSupport::Concern

  MAX_BYTES = 1.megabyte

  private
    def require_json_body
      if request.content_length.to_i > MAX_BYTES || request.raw_post.bytesize > MAX_BYTES
        render_problem 413, "The request body is larger than #{MAX_BYTES} bytes"
      elsif !json_media_type?
        render_problem :unsupported_media_type, "The request body must be application/json"
      end
    end

    # application/json, with no charset or utf-8 (in any case). Read from the header itself:
    # Rails' media_type gives application/problem+json as JSON.
    def json_media_type?
      charset = Rack::MediaType.params(request.content_type)["charset"]
      Rack::MediaType.type(request.content_type) == "application/json" && (charset.nil? || charset.casecmp?("utf-8"))
    end

    # The body's members; a body that is not a JSON object is a 400.
    def json_object
      body = request.request_parameters
      raise ProblemDetails::InvalidRequest, "The request body must be a JSON object" if body.key?("_json")

      body
    end

    # A 400 naming each of the keys whose value is there but not a string (required ones: also
    # when they are missing).
    def require_strings(body, keys, required: [])
      errors = keys.filter_map do |key|
        if !body.key?(key)
          { pointer: "/#{key}", detail: "#{key} is required" } if required.include?(key)
        elsif !body[key].is_a?(String)
          { pointer: "/#{key}", detail: "#{key} must be a string" }
        end
      end
      raise ProblemDetails::InvalidRequest.new("The request body is not valid", errors) if errors.any?
    end
end
