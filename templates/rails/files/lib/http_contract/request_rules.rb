require_relative "problem"

module HttpContract
  # Rack middleware, first in the stack: the rules of docs/api-contract.md ("Requests") that hold
  # on every path, checked before Rails reads anything of the request. Rails would otherwise
  # route /items/ as /items, answer an unknown method with 405, and fail on a query it cannot
  # decode before any controller runs.
  class RequestRules
    METHODS = %w[ GET HEAD POST PUT PATCH DELETE OPTIONS ].freeze
    MAX_REQUEST_LINE_BYTES = 8_192
    MAX_HEADER_BYTES = 16_384
    MAX_BODY_BYTES = 1_048_576

    def initialize(app)
      @app = app
    end

    def call(env)
      refusal(env) || @app.call(env)
    end

    private
      def refusal(env)
        path = env["PATH_INFO"].to_s
        if request_line_bytes(env) > MAX_REQUEST_LINE_BYTES
          Problem.response(414, "The request line is longer than #{MAX_REQUEST_LINE_BYTES} bytes")
        elsif !METHODS.include?(env["REQUEST_METHOD"])
          Problem.response(501, "#{env["REQUEST_METHOD"]} is not a method of this API", instance: path)
        elsif header_bytes(env) > MAX_HEADER_BYTES
          Problem.response(431, "The request headers are longer than #{MAX_HEADER_BYTES} bytes")
        elsif !well_encoded?(path) || !well_encoded?(env["QUERY_STRING"].to_s)
          Problem.response(400, "The path or the query is not percent-encoded UTF-8", instance: path)
        elsif env["CONTENT_LENGTH"].to_i > MAX_BODY_BYTES
          Problem.response(413, "The request body is larger than #{MAX_BODY_BYTES} bytes", instance: path)
        elsif path != "/" && (path.end_with?("/") || path.include?("//"))
          # Rails' router would drop the trailing slash (and squeeze slashes): paths match exactly.
          Problem.response(404, "Nothing is at this path", instance: path)
        end
      end

      # Method, target and version, as on the wire (Puma gives the target as REQUEST_URI).
      def request_line_bytes(env)
        target = env["REQUEST_URI"] || [ env["PATH_INFO"], env["QUERY_STRING"] ].reject { |part| part.to_s.empty? }.join("?")
        env["REQUEST_METHOD"].to_s.bytesize + target.to_s.bytesize + env["SERVER_PROTOCOL"].to_s.bytesize + 2
      end

      # Each field line: name, ": ", value and the line end.
      def header_bytes(env)
        env.sum do |key, value|
          name = case key
          when "CONTENT_TYPE", "CONTENT_LENGTH" then key
          when "HTTP_VERSION" then nil
          when /\AHTTP_/ then key.delete_prefix("HTTP_")
          end
          name ? name.bytesize + value.to_s.bytesize + 4 : 0
        end
      end

      # Every % starts an escape of two hex digits, and the decoded bytes are UTF-8 without NUL.
      def well_encoded?(text)
        return false if text.match?(/%(?!\h\h)/)

        decoded = text.b.gsub(/%(\h\h)/) { $1.hex.chr }
        decoded.force_encoding(Encoding::UTF_8).valid_encoding? && !decoded.include?("\0")
      end
  end
end
