Rails.application.routes.draw do
  # Define your application routes per the DSL in https://guides.rubyonrails.org/routing.html

  # Reveal health status on /up that returns 200 if the app boots with no exceptions, otherwise 500.
  # Can be used by load balancers and uptime monitors to verify that the app is live.
  get "up" => "rails/health#show", as: :rails_health_check

  # The service's own health check: 200 {"status":"ok"}.
  get "health" => "health#show"

  # Ids are 1 to 2147483647 in decimal, without a format suffix: /items/abc, /items/007 or
  # /items/1.json name no item and fall through to the 404 at the end.
  constraints id: /[1-9][0-9]{0,9}/ do
    resources :items, only: %i[ index show create update destroy ], format: false
  end

  # Other methods on these paths: 405 with the methods they have (Allow).
  with_options to: "errors#method_not_allowed", via: :all, format: false do
    match "health", defaults: { allow: "GET" }
    match "items", defaults: { allow: "GET, POST" }
    match "items/:id", defaults: { allow: "GET, PUT, PATCH, DELETE" }, constraints: { id: /[1-9][0-9]{0,9}/ }
  end

  # Every other path, / included.
  match "(*path)", to: "errors#not_found", via: :all, format: false
end
