# A login: the bearer token's digest, when it expires, and where it came from. Logging out
# destroys it, so its token is refused at once.
class Session < ApplicationRecord
  include BearerToken

  belongs_to :user

  # The user's expired sessions go when a new one starts.
  after_create { user.sessions.where(expires_at: ..Time.current).delete_all }
end
