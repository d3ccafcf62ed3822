# The shape of Rails 8's authentication generator, for bearer tokens instead of a cookie: every
# action needs a valid token (Authorization: Bearer <token>, the scheme in any case) unless its
# controller allows unauthenticated access; Current.session and Current.user are the token's.
module Authentication
  extend ActiveSupport::Concern

  included do
    before_action :require_authentication
  end

  class_methods do
    def allow_unauthenticated_access(**options)
      skip_before_action :require_authentication, **options
    end
  end

  private
    def authenticated?
      resume_session
    end

    def require_authentication
      resume_session || request_authentication
    end

    def resume_session
      Current.session ||= find_session_by_token
    end

    def find_session_by_token
      Session.find_by_token(bearer_token) if bearer_token
    end

    # The token of `Authorization: Bearer <token>`; nil without that header or with another scheme.
    def bearer_token
      scheme, token = request.authorization.to_s.split(" ", 2)
      token.to_s.strip if scheme&.casecmp?("Bearer")
    end

    # 401 with the challenge of RFC 6750: invalid_token when a token was sent.
    def request_authentication
      if bearer_token
        render_problem :unauthorized, "The token is not valid", headers: { "WWW-Authenticate" => 'Bearer error="invalid_token"' }
      else
        render_problem :unauthorized, "A bearer token is needed", headers: { "WWW-Authenticate" => "Bearer" }
      end
    end

    def start_new_session_for(user)
      Session.create!(user: user, user_agent: request.user_agent, ip_address: request.remote_addr).tap do |session|
        Current.session = session
      end
    end

    def terminate_session
      Current.session.destroy
    end
end
