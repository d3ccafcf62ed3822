require "test_helper"

class HealthControllerTest < ActionDispatch::IntegrationTest
  test "GET /health answers ok" do
    get health_url
    assert_response :ok
    assert_equal({ "status" => "ok" }, response.parsed_body)
  end

  test "GET /up answers 200" do
    get rails_health_check_url
    assert_response :ok
  end

  test "CORS allows pages from localhost outside production" do
    get health_url, headers: { "Origin" => "http://localhost:5173" }
    assert_equal "http://localhost:5173", response.headers["Access-Control-Allow-Origin"]
  end

  test "CORS ignores other origins" do
    get health_url, headers: { "Origin" => "https://elsewhere.example" }
    assert_nil response.headers["Access-Control-Allow-Origin"]
  end
end
