# A session's bearer token: 256 random bits from SecureRandom (the operating system's source),
# 43 URL-safe characters. Only its SHA-256 digest is stored: the token itself is known only to
# the login that issued it (Session#token). A session lives AUTH_TOKEN_TTL_SECONDS.
module BearerToken
  extend ActiveSupport::Concern

  FORMAT = /\A[A-Za-z0-9_-]{43}\z/

  included do
    attr_reader :token

    before_create :issue_token
  end

  class_methods do
    def digest(token)
      Digest::SHA256.hexdigest(token)
    end

    # The live session of a token: nil for a malformed, unknown (forged), expired or revoked one.
    # The lookup is by digest: no secret is compared in Ruby.
    def find_by_token(token)
      return unless token.match?(FORMAT)

      session = find_by(token_digest: digest(token))
      session if session && session.expires_at > Time.current
    end
  end

  private
    def issue_token
      @token = SecureRandom.urlsafe_base64(32)
      self.token_digest = self.class.digest(@token)
      self.expires_at = Rails.configuration.x.auth.token_ttl.from_now
    end
end
