from flask import Flask
from flask.testing import FlaskClient


def test_unknown_path_is_json_404(client: FlaskClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json["error"] == "Not Found"


def test_wrong_method_is_json_405(client: FlaskClient) -> None:
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.json["error"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


def test_unhandled_error_is_json_500_without_details(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.json["error"] == "Internal Server Error"
    assert "secret detail" not in response.get_data(as_text=True)
