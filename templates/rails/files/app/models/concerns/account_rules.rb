# What makes an account's email and password valid (docs/api-contract.md, "Accounts"): the
# email is trimmed and lower-cased, at most 254 characters, one @ with 1 to 64 characters before
# it and a domain of dot-separated labels, no white space or control characters; the password
# has at least 12 characters, and has_secure_password (bcrypt) refuses more than 72 bytes.
module AccountRules
  extend ActiveSupport::Concern

  PART = /[^@.[:space:][:cntrl:]]+/
  EMAIL_FORMAT = /\A[^@[:space:][:cntrl:]]{1,64}@#{PART}(?:\.#{PART})+\z/
  MIN_PASSWORD_LENGTH = 12

  included do
    validates :email, presence: true
    validates :email, length: { maximum: 254 }, format: { with: EMAIL_FORMAT }, allow_blank: true
    validates :password, length: { minimum: MIN_PASSWORD_LENGTH }, allow_nil: true
  end

  class_methods do
    # How an email is stored and looked up.
    def normalize_email(email)
      email.strip.downcase
    end

    # Whether an account could have this email (no lookup needed when it cannot).
    def possible_email?(email)
      normalized = normalize_email(email)
      normalized.length <= 254 && normalized.match?(EMAIL_FORMAT)
    end

    # bcrypt cannot hash a string that holds NUL (it raises): no password may hold one.
    def possible_password?(password)
      !password.include?("\u0000")
    end
  end
end
