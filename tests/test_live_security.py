"""The usual GraphQL security checks (the ones scanners such as graphql-cop run), against a
real `orggraph serve` with the production switches, over HTTP: each must be refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live import SECRET, TOKEN_TTL_S, LiveServer, live_server

from orggraph.auth.tokens import Principal, Role, create_token

PRODUCTION = {"ORGGRAPH_GRAPHIQL": "false", "ORGGRAPH_INTROSPECTION": "false"}
TOKEN = create_token(SECRET, Principal("scanner", Role.ADMIN, None), TOKEN_TTL_S)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-security"), PRODUCTION) as running:
        yield running


def _post(server: LiveServer, body: Any, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/graphql",
        content=json.dumps(body),
        headers={"content-type": "application/json", **AUTH, **headers},
        timeout=10,
    )


def _refused(response: httpx.Response, code: str) -> None:
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body.get("data") is None, body
    assert code in {error["extensions"]["code"] for error in body["errors"]}, body


def test_an_ordinary_query_runs(server: LiveServer) -> None:
    answer = _post(server, {"query": "{ version }"})
    assert answer.status_code == 200 and answer.json()["data"]["version"]


def test_alias_overloading_is_refused(server: LiveServer) -> None:
    query = "{ " + " ".join(f"a{i}: version" for i in range(101)) + " }"
    _refused(_post(server, {"query": query}), "GRAPHQL_VALIDATION_FAILED")


def test_field_duplication_is_refused(server: LiveServer) -> None:
    _refused(
        _post(server, {"query": "query { " + "__typename " * 500 + "}"}), "QUERY_TOO_REPETITIVE"
    )


def test_directive_overloading_gets_a_short_refusal(server: LiveServer) -> None:
    answer = _post(server, {"query": "query { __typename " + "@aa" * 100 + " }"})
    _refused(answer, "GRAPHQL_VALIDATION_FAILED")
    assert len(answer.json()["errors"]) <= 5


def test_batched_queries_are_refused(server: LiveServer) -> None:
    answer = _post(server, [{"query": "{ version }"}] * 10)
    assert answer.status_code == 400


def test_introspection_and_circular_introspection_are_refused(server: LiveServer) -> None:
    _refused(
        _post(server, {"query": "{ __schema { types { name } } }"}), "GRAPHQL_VALIDATION_FAILED"
    )
    circular = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    _refused(_post(server, {"query": circular}), "GRAPHQL_VALIDATION_FAILED")


def test_field_suggestions_are_not_given(server: LiveServer) -> None:
    answer = _post(server, {"query": "{ streat { id } }"})
    _refused(answer, "GRAPHQL_VALIDATION_FAILED")
    assert "Did you mean" not in answer.text


def test_graphiql_is_not_served(server: LiveServer) -> None:
    page = httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert page.status_code == 401
    assert "graphiql" not in page.text.lower()
    assert httpx.get(f"{server.url}/graphiql/graphiql.min.js", timeout=10).status_code == 404


def test_get_and_form_requests_cannot_run_queries_or_mutations(server: LiveServer) -> None:
    url = f"{server.url}/graphql"
    mutation = 'mutation { deleteUnit(id: "S01", cascade: true) { deletedCount } }'
    for query in ("{ version }", mutation):
        assert httpx.get(url, params={"query": query}, headers=AUTH, timeout=10).status_code == 400
        form = httpx.post(url, data={"query": query}, headers=AUTH, timeout=10)
        assert form.status_code in (400, 415), form.text
        plain = httpx.post(
            url,
            content=json.dumps({"query": query}),
            headers={**AUTH, "content-type": "text/plain"},
            timeout=10,
        )
        assert plain.status_code in (400, 415), plain.text


def test_a_large_body_is_refused_before_it_is_read(server: LiveServer) -> None:
    answer = _post(server, {"query": "{ version }", "padding": "x" * 2_000_000})
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
