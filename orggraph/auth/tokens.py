"""Bearer tokens: HS256 JWTs with `sub`, `role` and `scope` (the id of a unit, or none).

Roles (issue #7): `admin` sees and changes everything; `street` and `community` organisers
read and write inside their unit's subtree; `dashboard` reads aggregated figures and gaps
inside its scope with personal fields masked; `cadre` names a member (its scope is the member's
id) and only takes, declines and completes the service requests dispatched to that member
(三(三)4). The secret never lives in the repository: it
comes from $ORGGRAPH_JWT_SECRET, or a file created with mode 0600 on first use.

Rotation: the secret file may hold several secrets, one a line. The first signs new tokens;
every line verifies, so during a change the old secret (kept below the new one by `orggraph
token rotate-secret`) still admits the tokens signed with it until they are reissued and the
old line is retired. Every token carries a `jti`, so one token can be revoked on its own
(revocation.py).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
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
    CADRE = "cadre"

    @property
    def can_write(self) -> bool:
        """May change the graph (organisers and admins; a cadre only moves their services)."""
        return self not in (Role.DASHBOARD, Role.CADRE)

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
            what = "the id of a member" if self.role is Role.CADRE else "the id of a unit"
            raise AuthError(f"role {self.role.value} needs a scope ({what})")

    @property
    def member_id(self) -> str | None:
        """The cadre a `cadre` token names (its scope); None for every other role."""
        return self.scope_id if self.role is Role.CADRE else None


def create_token(secret: str, principal: Principal, ttl_seconds: int) -> str:
    """Sign a token for `principal`, valid for `ttl_seconds`, with a fresh id (`jti`)."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "jti": secrets.token_hex(8),
        "sub": principal.subject,
        "role": principal.role.value,
        "scope": principal.scope_id,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@dataclass(frozen=True)
class Verified:
    """What a token that passed every check says."""

    principal: Principal
    expires: int
    """Unix seconds."""
    token_id: str | None
    """The `jti`; None for a token made before tokens carried one."""


def verify_token(secret: str | Sequence[str], token: str) -> Principal:
    """The principal a token names, or AuthError saying why it is refused."""
    return verify_token_until(secret, token).principal


def verify_token_until(
    secret: str | Sequence[str], token: str, now: float | None = None
) -> Verified:
    """What a token says, or AuthError saying why it is refused. `secret` is one secret or
    every accepted one (signing secret first). Expiry is judged at `now` (default: the
    current time) here, not inside PyJWT, so that the API's cache of verified tokens and this
    check share one clock."""
    claims = _decode(token, (secret,) if isinstance(secret, str) else tuple(secret))
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
    token_id = claims.get("jti")
    return Verified(
        Principal(subject=str(claims["sub"]), role=role, scope_id=scope),
        expires,
        str(token_id) if token_id is not None else None,
    )


def _decode(token: str, accepted: tuple[str, ...]) -> dict[str, object]:
    """The claims, checked against each accepted secret in turn (a rotation in progress)."""
    failure: jwt.InvalidTokenError = jwt.InvalidSignatureError("no secret to check against")
    for secret in accepted:
        try:
            claims: dict[str, object] = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False},
            )
            return claims
        except jwt.InvalidSignatureError as exc:
            failure = exc
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from exc
    raise AuthError(f"invalid token: {failure}")


def token_id(token: str) -> str:
    """A token's `jti`, read without checking the signature (to name it, never to trust it)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"not a token: {exc}") from exc
    return str(claims.get("jti", ""))


def load_secret(secret_file: Path, create: bool = False) -> str:
    """The signing secret: $ORGGRAPH_JWT_SECRET, else the secret file's first line (the file
    is made if `create`)."""
    return load_secrets(secret_file, create)[0]


def load_secrets(secret_file: Path, create: bool = False) -> tuple[str, ...]:
    """Every accepted secret, the signing one first: $ORGGRAPH_JWT_SECRET (and
    $ORGGRAPH_JWT_PREVIOUS_SECRET while rotating), else the secret file's lines."""
    from_env = os.environ.get("ORGGRAPH_JWT_SECRET", "").strip()
    if from_env:
        previous = os.environ.get("ORGGRAPH_JWT_PREVIOUS_SECRET", "").strip()
        chosen = (from_env, previous) if previous else (from_env,)
        if any(len(secret.encode()) < MIN_SECRET_BYTES for secret in chosen):
            raise AuthError(
                f"ORGGRAPH_JWT_SECRET (and ORGGRAPH_JWT_PREVIOUS_SECRET) must be at least "
                f"{MIN_SECRET_BYTES} bytes"
            )
        return chosen
    if secret_file.exists():
        lines = tuple(line.strip() for line in secret_file.read_text(encoding="utf-8").splitlines())
        found = tuple(line for line in lines if line)
        if not found:
            raise AuthError(f"the secret file {secret_file} is empty")
        return found
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
    return (secret,)


def rotate_secret(secret_file: Path, retire: bool = False) -> tuple[str, ...]:
    """Start a rotation (a new signing secret above the current one, which still verifies), or
    with `retire` finish it (keep only the signing secret). Written whole to a temporary file
    and renamed, so a reader never sees half a file. Answers the secrets now in force."""
    current = load_secrets(secret_file)
    chosen = current[:1] if retire else (secrets.token_urlsafe(48), current[0])
    staging = secret_file.with_name(secret_file.name + ".new")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(secret + "\n" for secret in chosen))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, secret_file)
    return chosen
