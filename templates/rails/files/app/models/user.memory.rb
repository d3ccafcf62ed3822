# An account kept in memory (this app has no database): the accounts live as long as the server
# process. The same rules as an Active Record User: AccountRules and has_secure_password (bcrypt).
class User
  include MemoryRecord
  include ActiveModel::SecurePassword
  include AccountRules

  attribute :email, :string
  attribute :password_digest, :string

  has_secure_password

  class << self
    # Active Record's authenticate_by: the account if the password is its own, else nil; the
    # password is hashed even when no account has the email, so both take as long.
    def authenticate_by(email:, password:)
      return if password.to_s.empty?

      user = find_by(email: normalize_email(email))
      return user if user&.authenticate(password)

      new(password: password) unless user
      nil
    end
  end

  def email=(value)
    super(value.is_a?(String) ? self.class.normalize_email(value) : value)
  end

  def items
    Item.where(user_id: id)
  end

  private
    # Unique emails: checked under the store's lock, so two registrations cannot both win.
    def store
      return true if self.class.store(self) { |users| users.none? { |user| user.email == email && user.id != id } }

      errors.add(:email, :taken)
      false
    end
end
