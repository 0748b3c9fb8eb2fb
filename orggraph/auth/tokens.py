"""Bearer tokens: HS256 JWTs with `sub`, `role` and `scope` (the id of a unit, or none).

Roles (issue #7): `admin` sees and changes everything; `street` and `community` organisers
read and write inside their unit's subtree; `dashboard` reads aggregated figures and gaps
inside its scope with personal fields masked. The secret never lives in the repository: it
comes from $ORGGRAPH_JWT_SECRET, or a file created with mode 0600 on first use.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import jwt

ALGORITHM = "HS256"
ISSUER = "orggraph"
MIN_SECRET_BYTES = 32


class Role(Enum):
    ADMIN = "admin"
    STREET = "street"
    COMMUNITY = "community"
    DASHBOARD = "dashboard"

    @property
    def can_write(self) -> bool:
        return self is not Role.DASHBOARD

    @property
    def sees_personal_data(self) -> bool:
        return self is not Role.DASHBOARD


class AuthError(Exception):
    """A missing, malformed, expired or forged token (the API answers 401 with the reason)."""


@dataclass(frozen=True)
class Principal:
    """The caller: who, in which role, answering for which unit (None: the whole city)."""

    subject: str
    role: Role
    scope_id: str | None

    def __post_init__(self) -> None:
        if self.role is not Role.ADMIN and self.scope_id is None:
            raise AuthError(f"role {self.role.value} needs a scope (the id of a unit)")


def create_token(secret: str, principal: Principal, ttl_seconds: int) -> str:
    """Sign a token for `principal`, valid for `ttl_seconds`."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": principal.subject,
        "role": principal.role.value,
        "scope": principal.scope_id,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    """The principal a token names, or AuthError saying why it is refused."""
    return verify_token_until(secret, token)[0]


def verify_token_until(secret: str, token: str, now: float | None = None) -> tuple[Principal, int]:
    """The principal a token names and when the token expires (Unix seconds), or AuthError
    saying why it is refused. Expiry is judged at `now` (default: the current time) here,
    not inside PyJWT, so that the API's cache of verified tokens and this check share one
    clock."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    expires = claims["exp"]
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise AuthError("invalid token: exp must be an integer (Unix seconds)")
    if (time.time() if now is None else now) >= expires:
        raise AuthError("token expired")
    try:
        role = Role(claims.get("role"))
    except ValueError as exc:
        raise AuthError(f"invalid token: unknown role {claims.get('role')!r}") from exc
    scope = claims.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise AuthError("invalid token: scope must be a unit id")
    return Principal(subject=str(claims["sub"]), role=role, scope_id=scope), expires


def load_secret(secret_file: Path, create: bool = False) -> str:
    """The signing secret: $ORGGRAPH_JWT_SECRET, else the secret file (made if `create`)."""
    from_env = os.environ.get("ORGGRAPH_JWT_SECRET", "").strip()
    if from_env:
        if len(from_env.encode()) < MIN_SECRET_BYTES:
            raise AuthError(f"ORGGRAPH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return from_env
    if secret_file.exists():
        return secret_file.read_text(encoding="utf-8").strip()
    if not create:
        raise AuthError(
            f"no signing secret: set ORGGRAPH_JWT_SECRET or create {secret_file} "
            "(`orggraph serve` makes one on first start)"
        )
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret
