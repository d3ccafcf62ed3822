"""Accounts, their tokens and failed logins, in the database.

Every gunicorn worker process reads and writes the same tables, so the login
throttle counts the failures all of them serve.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import AuthToken, LoginFailure, User


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC times it stores without their time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AccountStore:
    """The account queries of the auth blueprint."""

    def create_user(self, email: str, password_hash: str) -> User | None:
        """The new account, or None when the email is taken."""
        user = User(email=email, password_hash=password_hash)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # the unique email, also when two register at once
            db.session.rollback()
            return None
        return user

    def user_by_email(self, email: str) -> User | None:
        return db.session.scalar(select(User).where(User.email == email))

    def add_token(
        self, user: User, token_hash: str, expires_at: datetime, now: datetime
    ) -> None:
        """Keep a new token, and forget those of the account that have expired."""
        db.session.execute(
            delete(AuthToken).where(
                AuthToken.user_id == user.id, AuthToken.expires_at <= now
            )
        )
        db.session.add(
            AuthToken(user_id=user.id, token_hash=token_hash, expires_at=expires_at)
        )
        db.session.commit()

    def user_by_token(self, token_hash: str, now: datetime) -> User | None:
        """The account of a token that has not expired, or None."""
        query = (
            select(User)
            .join(AuthToken, AuthToken.user_id == User.id)
            .where(AuthToken.token_hash == token_hash, AuthToken.expires_at > now)
        )
        return db.session.scalar(query)

    def delete_token(self, token_hash: str) -> None:
        db.session.execute(delete(AuthToken).where(AuthToken.token_hash == token_hash))
        db.session.commit()

    def add_failure(self, email: str | None, address: str, now: datetime) -> int:
        failure = LoginFailure(email=email, address=address, failed_at=now)
        db.session.add(failure)
        db.session.commit()
        return failure.id

    def delete_failure(self, failure_id: int) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))
        db.session.commit()

    def failures(
        self, email: str | None, address: str, since: datetime
    ) -> list[tuple[int, datetime | None]]:
        """The count and the oldest time of the failures after `since`, for the
        address and for the email (when there is one)."""
        db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= since))
        db.session.commit()
        scopes = [LoginFailure.address == address]
        if email is not None:
            scopes.append(LoginFailure.email == email)
        counts = []
        for scope in scopes:
            query = select(func.count(), func.min(LoginFailure.failed_at)).where(scope)
            count, oldest = db.session.execute(query).one()
            counts.append((count, as_utc(oldest) if oldest else None))
        return counts

    def clear_failures(self, email: str) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        db.session.commit()
