from flask import Flask
from flask_migrate import check


def test_migrations_match_the_models(app: Flask) -> None:
    """Fails when a model changed without a migration (`flask db migrate`)."""
    with app.app_context():
        check()
