class SessionsController < ApplicationController
  include JsonBody

  allow_unauthenticated_access only: :create
  before_action :require_json_body, only: :create

  # POST /auth/login {"email", "password"}: a new bearer token. 401 for an unknown email and a
  # wrong password alike; 429 while the email or the client address is throttled (LoginFailure).
  def create
    body = json_object
    require_strings(body, %w[ email password ], required: %w[ email password ])
    email, password = body.values_at("email", "password")
    # The connection's peer: a forwarded header is not trusted (behind a proxy, see the README).
    address = request.remote_addr

    if (wait = LoginFailure.wait(email: email, address: address)).positive?
      render_problem :too_many_requests, "Too many failed logins; try again later", headers: { "Retry-After" => wait.to_s }
    elsif (user = User.possible_email?(email) && User.possible_password?(password) && User.authenticate_by(email: email, password: password))
      LoginFailure.clear(email: email)
      session = start_new_session_for(user)
      render json: { token: session.token, token_type: "Bearer", expires_at: session.expires_at.utc.iso8601 }
    else
      LoginFailure.record(email: email, address: address)
      render_problem :unauthorized, "Invalid email or password.", headers: { "WWW-Authenticate" => "Bearer" }
    end
  end

  # GET /auth/me: the account of the token.
  def show
    render json: { id: Current.user.id, email: Current.user.email }
  end

  # POST /auth/logout: the token is dead at once.
  def destroy
    terminate_session
    head :no_content
  end
end
