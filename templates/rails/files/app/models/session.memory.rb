# A login kept in memory (this app has no database): the bearer token's digest, when it
# expires, and where it came from. Logging out destroys it, so its token is refused at once.
class Session
  include MemoryRecord
  include BearerToken

  attribute :user_id, :integer
  attribute :token_digest, :string
  attribute :expires_at, :datetime
  attribute :ip_address, :string
  attribute :user_agent, :string

  def user
    User.find(user_id)
  end

  def user=(user)
    self.user_id = user.id
  end
end
