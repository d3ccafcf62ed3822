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
end
