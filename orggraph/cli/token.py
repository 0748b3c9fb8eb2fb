"""`orggraph token create` signs a bearer token; `orggraph audit` reads the audit log."""

from __future__ import annotations

import dataclasses
import json

import click

from orggraph.auth.revocation import revoke
from orggraph.auth.tokens import (
    AuthError,
    Principal,
    Role,
    create_token,
    load_secret,
    rotate_secret,
    token_id,
)
from orggraph.cli.store_option import run_with_store, store_option
from orggraph.config import Settings
from orggraph.domain.audit import AuditEntry
from orggraph.store import GraphStore


@click.group("token")
def token_group() -> None:
    """Bearer tokens for the API (signed with $ORGGRAPH_JWT_SECRET or the secret file)."""


@token_group.command("create")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="admin: everything; street/community: read and write inside the scope; "
    "dashboard: read-only, personal fields masked; cadre: accepts, declines and completes the "
    "service requests dispatched to the member named by --scope.",
)
@click.option(
    "--scope",
    "scope_id",
    default=None,
    help="Id of the unit the holder answers for (for a cadre: their member id).",
)
@click.option("--sub", "subject", required=True, help="Who holds the token (name or account).")
@click.option(
    "--ttl", default="30d", show_default=True, help="Lifetime: seconds, or a number with s/m/h/d."
)
def create_command(role: str, scope_id: str | None, subject: str, ttl: str) -> None:
    """Print a signed token. The secret file is created if it does not exist yet."""
    try:
        settings = Settings.from_env()
        principal = Principal(subject, Role(role), scope_id)
        secret = load_secret(settings.api.secret_file, create=True)
    except (AuthError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    token = create_token(secret, principal, _seconds(ttl))
    click.echo(token)
    click.echo(f"token id (for `orggraph token revoke`): {token_id(token)}", err=True)


@token_group.command("revoke")
@click.argument("token_ids", nargs=-1, required=True)
@click.option("--note", default="", help="Why (kept beside the id in the revocation file).")
def revoke_command(token_ids: tuple[str, ...], note: str) -> None:
    """Refuse tokens before they expire, by id (`jti`) or by the token itself.

    Running services notice within about a second (no restart); the ids go to
    $ORGGRAPH_REVOKED_TOKENS_FILE, by default `revoked-tokens` beside the secret file.
    """
    path = _settings().api.revoked_tokens_path
    for given in token_ids:
        wanted = token_id(given) if given.count(".") == 2 else given
        added = revoke(path, wanted, note)
        click.echo(f"{wanted}: {'revoked' if added else 'already revoked'} ({path})")


@token_group.command("rotate-secret")
@click.option(
    "--retire", is_flag=True, help="Finish a rotation: drop the old secret (its tokens stop)."
)
def rotate_command(retire: bool) -> None:
    """Change the signing secret without cutting clients off.

    Step 1 (no flag): a new secret signs from now on and the old one still verifies; restart
    the services, reissue tokens. Step 2 (--retire): the old secret is dropped; restart again.
    """
    path = _settings().api.secret_file
    try:
        in_force = rotate_secret(path, retire)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{path}: {len(in_force)} secret(s) in force; "
        + ("old secret retired" if retire else "new tokens are signed with the new secret")
    )


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _seconds(ttl: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = ttl.strip().lower()
    factor = units.get(text[-1:], 0)
    number = text[:-1] if factor else text
    if not number.isdigit() or int(number) <= 0:
        raise click.BadParameter(f"{ttl!r} is not a lifetime like 3600, 90m, 12h or 30d")
    return int(number) * (factor or 1)


@click.command("audit")
@store_option
@click.option("--subject", default=None, help="Only this subject's changes.")
@click.option("--limit", default=50, show_default=True, help="How many entries (newest first).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def audit_command(store_kind: str | None, subject: str | None, limit: int, as_json: bool) -> None:
    """Show the audit log: every change made through the API, newest first."""

    async def work(store: GraphStore, _: Settings) -> list[AuditEntry]:
        return await _read_audit(store, subject, limit)

    for entry in run_with_store(store_kind, work, read_only=True):
        if as_json:
            record = dataclasses.asdict(entry) | {"at": entry.at.isoformat()}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            targets = ",".join(entry.target_ids)
            click.echo(
                f"{entry.at:%Y-%m-%d %H:%M:%S} {entry.subject} ({entry.role}) "
                f"{entry.action} {targets} {entry.arguments}"
            )


async def _read_audit(store: GraphStore, subject: str | None, limit: int) -> list[AuditEntry]:
    """Up to `limit` entries, newest first, page by page."""
    entries: list[AuditEntry] = []
    after: str | None = None
    while len(entries) < limit:
        page = await store.audit_entries(min(500, limit - len(entries)), after, subject)
        entries += page.items
        if not page.has_next:
            break
        after = page.end_cursor
    return entries
