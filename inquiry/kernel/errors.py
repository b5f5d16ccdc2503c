"""Errors that actions raise; the web layer maps each to one HTTP status.

Messages are written for the person who made the request: they say what was
wrong and, where it helps, what to do instead.
"""


class ActionError(Exception):
    """Base: the request was refused and nothing changed."""

    status = 400


class Invalid(ActionError):
    """The input is not acceptable."""

    status = 400


class NotAllowed(ActionError):
    """The requester's role or state does not allow this."""

    status = 403


class SignInRequired(NotAllowed):
    """Nobody is signed in; pages send the browser to the sign-in page."""


class NotFound(ActionError):
    """The thing asked for does not exist (or is not visible to the requester)."""

    status = 404


class Conflict(ActionError):
    """The request clashes with the current state (e.g. a concurrent edit)."""

    status = 409


class Gone(ActionError):
    """A one-time link or code has been used, revoked or has expired."""

    status = 410


class TooMany(ActionError):
    """Too many attempts; try again later."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
