# Answers what no route or action answers: unknown paths (the last route), other methods on the
# paths of the API, and every error raised outside a controller (config.exceptions_app).
class ErrorsController < ApplicationController
  # Any method on a path that has no route.
  def not_found
    render_problem :not_found, "Nothing is at this path"
  end

  # A method the path does not have: 405 with the methods it has (from config/routes.rb).
  def method_not_allowed
    render_problem :method_not_allowed, "#{request.method} is not allowed on this path",
      headers: { "Allow" => params.fetch(:allow) }
  end

  # config.exceptions_app: the error's status is the path (/404, /500, ...).
  def show
    code = request.path_info.delete_prefix("/").to_i
    code = 500 unless code.between?(400, 599)
    detail = code >= 500 ? "The server could not answer" : "The request could not be answered"
    render_problem code, detail, instance: request.env["action_dispatch.original_path"] || request.path
  end
end
