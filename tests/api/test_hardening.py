"""Production hardening (issue 18): every error has a code, suggestions go with introspection,
bodies are bounded, callers rate-limited, tokens revocable and secrets rotatable, and with a
manifest only registered documents run."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from orggraph.api.app import AppOptions, create_app
from orggraph.api.body_limit import BodyLimit
from orggraph.api.limits import Limits
from orggraph.api.rate_limit import RateLimit
from orggraph.api.security import Message, Scope
from orggraph.api.trusted import Operation, document_id, read_manifest
from orggraph.auth.revocation import RevokedTokens, revoke
from orggraph.auth.tokens import (
    Principal,
    Role,
    create_token,
    load_secrets,
    rotate_secret,
    token_id,
)
from orggraph.cli import main
from orggraph.domain.policy import Policy
from orggraph.store.memory import MemoryStore

from .conftest import ADMIN, SECRET, bearer

pytestmark = pytest.mark.api

AppClient = Callable[..., Any]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    """Makes a client over a fresh embedded store with the given options and secrets."""
    store = await MemoryStore.open(tmp_path / "data")
    opened: list[httpx.AsyncClient] = []

    def make(
        options: AppOptions | None = None, secrets: Any = SECRET, token: bool = True
    ) -> httpx.AsyncClient:
        app = create_app(store, Policy(), secrets, options)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            headers=bearer(ADMIN) if token else {},
        )
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()
    await store.close()


async def _errors(http: httpx.AsyncClient, query: str, **variables: Any) -> list[dict[str, Any]]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


async def test_parse_validation_and_input_errors_carry_codes(client: AppClient) -> None:
    http = client()
    assert (await _errors(http, "{ streets { id "))[0]["extensions"]["code"] == (
        "GRAPHQL_PARSE_FAILED"
    )
    for _ in range(2):  # the second answer comes from the validation cache
        wrong = await _errors(http, "{ streets { idd } }")
        assert wrong[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    typed = await _errors(http, "query ($n: ID!) { node(id: $n) { id } }", n=[1, 2])
    assert typed[0]["extensions"]["code"] == "BAD_USER_INPUT"
    costly = (
        "{ streets { children(first: 500) { edges { node { ... on OrgUnit { "
        "children(first: 500) { edges { node { id } } } } } } } } }"
    )
    assert (await _errors(http, costly))[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_suggestions_are_given_only_while_introspection_is_on(client: AppClient) -> None:
    open_app = client()
    assert "Did you mean 'streets'" in (await _errors(open_app, "{ street }"))[0]["message"]
    closed = client(AppOptions(graphiql=False, limits=Limits(introspection=False)))
    for query in ("{ street }", "{ streets { idd } }", "{ coverageGaps(kinds: [UNCOVERD]) }"):
        for error in await _errors(closed, query):
            assert "Did you mean" not in error["message"], error
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_field_repeated_past_the_limit_is_refused_and_one_under_runs(
    client: AppClient,
) -> None:
    http = client(AppOptions(limits=Limits(max_repeats=10)))
    accepted = await http.post("/graphql", json={"query": "{ " + "version " * 10 + "}"})
    assert accepted.json() == {"data": {"version": accepted.json()["data"]["version"]}}
    refused = await _errors(http, "{ " + "version " * 11 + "}")
    assert refused[0]["extensions"]["code"] == "QUERY_TOO_REPETITIVE"


async def test_a_document_drawing_hundreds_of_errors_gets_a_short_answer(
    client: AppClient,
) -> None:
    errors = await _errors(client(), "{ version " + "@unknown " * 300 + "}")
    assert len(errors) == 5
    assert errors[-1]["message"].startswith("... and ")
    assert all(error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" for error in errors)


async def test_a_body_over_the_limit_is_refused_with_413_and_one_under_runs(
    client: AppClient,
) -> None:
    http = client(AppOptions(max_body_bytes=2_000))
    padded = json.dumps({"query": "{ version }" + " " * 1_900})
    assert len(padded) <= 2_000
    json_type = {"content-type": "application/json"}
    assert (await http.post("/graphql", content=padded, headers=json_type)).status_code == 200
    over = await http.post("/graphql", content=padded + " " * 100, headers=json_type)
    assert over.status_code == 413
    assert over.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit() -> None:
    reached: list[bytes] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        reached.append((await receive())["body"])

    sent: list[Message] = []
    chunks = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 5

    async def receive() -> Message:
        return chunks.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await BodyLimit(app, 2_000)({"type": "http", "headers": []}, receive, send)
    assert reached == []
    assert sent[0]["status"] == 413
    assert len(chunks) == 1  # stopped reading once past the limit


async def test_a_caller_over_its_rate_gets_429_with_retry_after(client: AppClient) -> None:
    http = client(AppOptions(rate_limit=RateLimit(per_second=0.5, burst=3)))
    statuses = [
        (await http.post("/graphql", json={"query": "{ version }"})).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = await http.post("/graphql", json={"query": "{ version }"})
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    other = bearer(Principal("another-dashboard", Role.DASHBOARD, "S01"))
    answer = await http.post("/graphql", json={"query": "{ version }"}, headers=other)
    assert answer.status_code == 200  # the limit is per caller


async def test_a_revoked_token_is_refused_within_a_second_and_others_still_run(
    client: AppClient, tmp_path: Path
) -> None:
    now = [0.0]
    revoked_file = tmp_path / "revoked-tokens"
    revoked = RevokedTokens(revoked_file, clock=lambda: now[0])
    http = client(AppOptions(revoked_tokens=revoked), token=False)
    kept, lost = (create_token(SECRET, ADMIN, 600) for _ in range(2))
    for token in (kept, lost):
        assert (await _post(http, token)).status_code == 200
    assert revoke(revoked_file, token_id(lost), "lost laptop")
    assert not revoke(revoked_file, token_id(lost))
    now[0] += 1.0
    refused = await _post(http, lost)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["errors"][0]["message"]
    assert (await _post(http, kept)).status_code == 200


async def test_a_rotation_keeps_old_tokens_working_until_the_old_secret_is_retired(
    client: AppClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORGGRAPH_JWT_SECRET", raising=False)
    secret_file = tmp_path / "jwt-secret"
    (old,) = load_secrets(secret_file, create=True)
    old_token = create_token(old, ADMIN, 600)
    new, kept_old = rotate_secret(secret_file)
    assert kept_old == old and new != old
    during = client(secrets=load_secrets(secret_file), token=False)
    assert (await _post(during, old_token)).status_code == 200
    assert (await _post(during, create_token(new, ADMIN, 600))).status_code == 200
    assert rotate_secret(secret_file, retire=True) == (new,)
    after = client(secrets=load_secrets(secret_file), token=False)
    assert (await _post(after, old_token)).status_code == 401
    assert (await _post(after, create_token(new, ADMIN, 600))).status_code == 200


async def _post(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": "{ version }"},
        headers={"Authorization": f"Bearer {token}"},
    )


REGISTERED = "query Version { version }\n"


async def test_with_a_manifest_only_registered_documents_run(client: AppClient) -> None:
    known = document_id(REGISTERED)
    http = client(
        AppOptions(trusted_documents={known: Operation(known, "Version", "query", REGISTERED)})
    )
    sent: list[dict[str, Any]] = [
        {"query": REGISTERED},
        {"documentId": f"sha256:{known}"},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": known}}},
    ]
    for body in sent:
        answer = await http.post("/graphql", json=body)
        assert answer.status_code == 200 and answer.json()["data"]["version"], body
    refused: list[Any] = [
        {"query": "{ version }"},  # valid, but not the registered text
        {"documentId": "sha256:" + "0" * 64},
        {"query": "{ version }", "extensions": {"persistedQuery": {"sha256Hash": known}}},
        [{"query": REGISTERED}],
    ]
    for body in refused:
        answer = await http.post("/graphql", json=body)
        assert answer.status_code == 400, body
        assert answer.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


def test_documents_register_checks_each_file_against_the_schema(tmp_path: Path) -> None:
    manifest = tmp_path / "trusted.json"
    good = tmp_path / "version.graphql"
    good.write_text(REGISTERED, encoding="utf-8")
    bad = tmp_path / "typo.graphql"
    bad.write_text("query Typo { streetz { id } }", encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(main, ["documents", "register", str(good), "--manifest", str(manifest)])
    assert ok.exit_code == 0, ok.output
    assert document_id(REGISTERED) in ok.output
    failed = runner.invoke(main, ["documents", "register", str(bad), "--manifest", str(manifest)])
    assert failed.exit_code == 1
    assert "typo.graphql" in failed.output and "streetz" in failed.output
    assert list(read_manifest(manifest)) == [document_id(REGISTERED)]
    listed = runner.invoke(main, ["documents", "list", "--manifest", str(manifest)])
    assert "query  Version" in listed.output
