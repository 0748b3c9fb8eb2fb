"""Token checks that the API's 401s rest on: expiry judged at a given time, and claims of
the wrong type refused with a reason."""

from __future__ import annotations

import jwt
import pytest

from orggraph.auth.tokens import (
    ALGORITHM,
    ISSUER,
    AuthError,
    Principal,
    Role,
    create_token,
    verify_token_until,
)

SECRET = "token-tests-signing-secret-0123456789abcdef"


def _signed(**claims: object) -> str:
    base: dict[str, object] = {"iss": ISSUER, "sub": "t", "role": "admin", "iat": 1, "exp": 2}
    return jwt.encode({**base, **claims}, SECRET, algorithm=ALGORITHM)


def test_a_token_is_valid_until_its_expiry_second() -> None:
    token = create_token(SECRET, Principal("wang", Role.STREET, "S01"), 60)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    verified = verify_token_until(SECRET, token, expires - 0.5)
    principal, until = verified.principal, verified.expires
    assert (principal, until) == (Principal("wang", Role.STREET, "S01"), expires)
    with pytest.raises(AuthError, match=r"^token expired$"):
        verify_token_until(SECRET, token, expires)


def test_without_a_time_the_current_time_judges_expiry() -> None:
    with pytest.raises(AuthError, match=r"^token expired$"):
        verify_token_until(SECRET, _signed(exp=1_000))
    fresh = create_token(SECRET, Principal("t", Role.ADMIN, None), 600)
    assert verify_token_until(SECRET, fresh).principal == Principal("t", Role.ADMIN, None)


@pytest.mark.parametrize("exp", ["2", 2.5, True, None], ids=["text", "fraction", "bool", "null"])
def test_an_expiry_that_is_not_whole_seconds_is_refused(exp: object) -> None:
    with pytest.raises(AuthError, match="invalid token"):
        verify_token_until(SECRET, _signed(exp=exp), 0)


def test_a_token_without_an_expiry_is_refused() -> None:
    token = jwt.encode({"iss": ISSUER, "sub": "t", "role": "admin", "iat": 1}, SECRET, ALGORITHM)
    with pytest.raises(AuthError, match='"exp"'):
        verify_token_until(SECRET, token, 0)
