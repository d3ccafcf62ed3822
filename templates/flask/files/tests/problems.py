"""What every error answer looks like: RFC 9457 problem details."""

from werkzeug.test import TestResponse


def assert_problem(response: TestResponse, status: int, title: str, path: str) -> None:
    """An RFC 9457 problem: application/problem+json with the five members."""
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["type"] == "about:blank"
    assert problem["title"] == title
    assert problem["status"] == status
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem["instance"] == path
