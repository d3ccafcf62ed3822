class User < ApplicationRecord
  include AccountRules

  has_secure_password
  has_many :sessions, dependent: :destroy
  has_many :items, dependent: :destroy

  normalizes :email, with: ->(email) { normalize_email(email) }

  # Only once the email is valid (PostgreSQL cannot even compare a string that holds NUL).
  validates :email, uniqueness: true, if: -> { errors.none? }
end
