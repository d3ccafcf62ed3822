require "puma/server"
require_relative "problem"

module HttpContract
  # What Puma answers by itself, before Rails sees the request, made to keep the contract:
  # problem details with the contract's status. config/puma.rb sets the limits and loads this.
  module PumaAnswers
    module_function

    # Puma's lowlevel_error_handler: a request Puma cannot parse (400; 414 and 431 for its own
    # length limits, which are above the ones RequestRules applies) or an error that escaped the
    # app (500).
    def lowlevel_error(error, _env, status = 500)
      status = case error.message
      when /\AHTTP element (REQUEST_URI|REQUEST_PATH|QUERY_STRING|FRAGMENT) is longer/ then 414
      when /\AHTTP element (FIELD_NAME|FIELD_VALUE) is longer|\AHEADER is longer/ then 431
      else status
      end
      Problem.response(status, status >= 500 ? "The server could not answer" : "The server could not read the request")
    end

    # Puma answers a body over http_content_length_limit with a plain-text 413 of its own
    # ("Payload Too Large"), outside lowlevel_error_handler.
    module TooLarge
      private
        def prepare_response(status, headers, res_body, requests, client)
          if status == 413 && res_body == [ "Payload Too Large" ]
            status, headers, res_body = Problem.response(413, "The request body is larger than the server accepts",
              instance: client.env["REQUEST_PATH"])
          end
          super
        end
    end

    # Puma 8 refuses a declared Content-Length over the limit as soon as the headers are read.
    # Puma 6 and 7 notice it only when more of the body arrives, so a client that announces
    # 2 MiB and waits would wait for Puma's timeout: this refuses it at once on them too.
    module EarlyTooLarge
      private
        def setup_body
          length = @env["CONTENT_LENGTH"].to_s
          if @http_content_length_limit && length.match?(/\A\d+\z/) && length.to_i > @http_content_length_limit &&
              !@env.key?("HTTP_TRANSFER_ENCODING")
            @http_content_length_limit_exceeded = true
            @env["HTTP_CONNECTION"] = "close"
            @buffer = nil
            @body = Puma::Client::EmptyBody
            set_ready
            return true
          end
          super
        end
    end

    Puma::Server.prepend(TooLarge)
    Puma::Client.prepend(EarlyTooLarge) if Gem::Version.new(Puma::Const::PUMA_VERSION) < Gem::Version.new("8")
  end
end
