"""HTTP errors the API controllers share."""

from __future__ import annotations

from litestar.exceptions import HTTPException


class Conflict(HTTPException):
    """409: the request is valid but the rules refuse it in the current state (the last
    active admin, an account that is erased...); ``detail`` says which."""

    status_code = 409
