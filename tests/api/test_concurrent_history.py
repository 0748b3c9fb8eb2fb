"""Concurrent transfers, unassigns and removals through the API keep the history whole.

Many mutations of one household's cover are sent at once (asyncio tasks over one app, so on
Neo4j their transactions overlap). Afterwards the household has at most one current cover,
every ended cover is kept exactly once per write that succeeded, the history reads as one
chain (each transfer names the cadre of the next cover), and no figure drifts from a recount.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from contract.city import City

from orggraph.domain.policy import Policy
from orggraph.store.protocols import GraphStore
from orggraph.verify import find_drifts

from .client import GraphQLClient

pytestmark = pytest.mark.api

COPIES = 12
HISTORY = """{ household(id: "h02") { cadres { member { id } }
  cadreHistory { memberId since ended endReason transferredTo { id } } } }"""


async def _all(api: GraphQLClient, documents: list[str]) -> list[dict[str, Any]]:
    return await asyncio.gather(*(api.post(document) for document in documents))


async def _count(store: GraphStore, cypher: str) -> int | None:
    """A count from Neo4j itself (None on the embedded store)."""
    driver = getattr(store, "driver", None)
    if driver is None:
        return None
    records, _, _ = await driver.execute_query(cypher, database_=store.db.database)  # type: ignore[attr-defined]
    return int(records[0]["n"])


def _day(number: int) -> str:
    """A distinct day per document, so no two writes could end the same cover alike."""
    return (date(2025, 1, 1) + timedelta(days=number)).isoformat()


def _transfer(source: str, target: str, day: int) -> str:
    return (
        f'mutation {{ transferHousehold(householdId: "h02", fromMemberId: "{source}", '
        f'toMemberId: "{target}", since: "{_day(day)}") {{ since }} }}'
    )


def _unassign(member: str, day: int) -> str:
    return (
        f'mutation {{ unassignHousehold(memberId: "{member}", householdId: "h02", '
        f'ended: "{_day(day)}") }}'
    )


async def _check_chain(api: GraphQLClient, store: GraphStore, ended_writes: int) -> None:
    """At most one current cover, one ended cover per succeeded write, one unbroken chain
    from m1's cover, and the figures equal a recount."""
    data = (await api.ok(HISTORY))["household"]
    history = data["cadreHistory"]
    current = [r for r in history if r["ended"] is None]
    ended = [r for r in history if r["ended"] is not None]
    assert len(current) <= 1 and len(data["cadres"]) == len(current)
    assert len(ended) == ended_writes
    relationships = await _count(
        store, "MATCH (:Member)-[r:ASSIGNED]->(:Household {id: 'h02'}) RETURN count(r) AS n"
    )
    assert relationships in (None, len(current))
    kept = await _count(store, "MATCH (e:EndedCover {household_id: 'h02'}) RETURN count(e) AS n")
    assert kept in (None, ended_writes)
    chain = sorted(ended, key=lambda r: (r["ended"], r["since"]))
    holder = "m1"
    for record in chain:
        assert record["memberId"] == holder, chain
        holder = record["transferredTo"]["id"] if record["endReason"] == "TRANSFERRED" else ""
    assert [r["memberId"] for r in current] == ([holder] if holder else [])
    checked, drifts = await find_drifts(store, Policy(), 2025)
    assert checked and drifts == []


async def test_concurrent_transfers_leave_one_cover_and_every_ended_one(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    """Transfers back and forth between m1, m6 and m7: each that finds its source covering
    the household succeeds and ends that cover; the others are NOT_ASSIGNED."""
    pairs = [("m1", "m6"), ("m6", "m7"), ("m7", "m1"), ("m1", "m7"), ("m7", "m6"), ("m6", "m1")]
    documents = [
        _transfer(s, t, i * len(pairs) + j) for i in range(COPIES) for j, (s, t) in enumerate(pairs)
    ]
    answers = await _all(api, documents)
    codes = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert codes <= {"NOT_ASSIGNED", "INVALID_VALUE"}, answers  # INVALID: ends before start
    succeeded = sum("errors" not in a for a in answers)
    assert succeeded >= 1
    await _check_chain(api, store, succeeded)


async def test_concurrent_unassigns_end_a_cover_once(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    answers = await _all(api, [_unassign("m1", 1 + i) for i in range(COPIES)])
    succeeded = [a for a in answers if "errors" not in a]
    codes = [a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a]
    assert len(succeeded) == 1 and codes == ["NOT_ASSIGNED"] * (COPIES - 1)
    await _check_chain(api, store, 1)


async def test_concurrent_transfers_and_unassigns(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    documents = []
    for i in range(COPIES):
        documents += [_transfer("m1", "m6", 4 * i), _unassign("m6", 4 * i + 1)]
        documents += [_unassign("m1", 4 * i + 2), _transfer("m6", "m1", 4 * i + 3)]
    answers = await _all(api, documents)
    codes = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert codes <= {"NOT_ASSIGNED", "INVALID_VALUE"}, answers
    await _check_chain(api, store, sum("errors" not in a for a in answers))


async def test_concurrent_removal_and_transfers_keep_the_history(
    api: GraphQLClient, store: GraphStore, city: City
) -> None:
    """The household's building group is deleted while its cover is transferred: whatever
    order the writes take, the removed household's history stays, as one chain."""
    documents = [_transfer(*pair, i) for i, pair in enumerate([("m1", "m6"), ("m6", "m7")] * 6)]
    documents.insert(
        COPIES // 2, 'mutation { deleteUnit(id: "g1", cascade: true) { deletedCount } }'
    )
    answers = await _all(api, documents)
    codes = {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a}
    assert codes <= {"NOT_ASSIGNED", "UNKNOWN_ID", "INVALID_VALUE"}, answers
    assert (await api.ok('{ node(id: "h02") { id } }'))["node"] is None
    history = await store.household_history("h02")
    assert [r.ended is None for r in history].count(True) == 0
    assert history[-1].reason is not None and history[-1].reason.value == "household_removed"
    transfers = sum("errors" not in a for a in answers if "transfer" in str(a))
    assert len(history) == transfers + 1
    checked, drifts = await find_drifts(store, Policy(), 2025)
    assert checked and drifts == []
