# Be sure to restart your server when you modify this file.

# Cross-Origin Resource Sharing (CORS): which browser origins may call this API.
# Read more: https://github.com/cyu/rack-cors
#
# CORS_ORIGINS is a comma-separated list of origins, e.g. "https://app.example.com".
# In production only those are allowed (none when it is unset); in development and test,
# pages served from localhost on any port are allowed when CORS_ORIGINS is unset.
origins = ENV.fetch("CORS_ORIGINS", "").split(",").map(&:strip).reject(&:empty?)
if origins.empty? && !Rails.env.production?
  origins = [ %r{\Ahttp://(localhost|127\.0\.0\.1)(:\d+)?\z} ]
end

# Right after HttpContract::RequestRules (config/application.rb), which refuses the paths that
# rack-cors could not decode.
if origins.any?
  Rails.application.config.middleware.insert_after HttpContract::RequestRules, Rack::Cors do
    allow do
      origins(*origins)

      resource "*",
        headers: :any,
        methods: [ :get, :post, :put, :patch, :delete, :options, :head ]
    end
  end
end
