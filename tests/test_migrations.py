"""Schema migrations on the real Neo4j: applied in order, once, and idempotent.

The server comes from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE (`make test`
starts one). If it cannot be reached these tests fail; they never skip. They drop and rebuild
the schema of that database, so never point them at one that matters.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from neo4j import AsyncDriver, AsyncGraphDatabase

from orggraph.store.neo4j.migrations import apply_migrations, load_migrations, schema_version

pytestmark = pytest.mark.neo4j

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "orggraph-test")
NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE", "neo4j")

LABELS = (
    "Entity",
    "StreetCommittee",
    "CommunityCommittee",
    "ResidentialBranch",
    "BuildingGroup",
    "Household",
    "CentralHousehold",
    "Member",
    "WorkUnit",
    "PointsEntry",
    "AuditEntry",
    "SchemaVersion",
)
"""Every label orggraph writes: each must have a unique-id constraint."""


@pytest.fixture
async def driver() -> AsyncIterator[AsyncDriver]:
    """A driver on the test server, or a failed test that says how to get one."""
    driver = AsyncGraphDatabase.driver(
        NEO4J_URI, auth=(NEO4J_USER, NEO4J_PASSWORD), notifications_min_severity="OFF"
    )
    try:
        await driver.verify_connectivity()
    except Exception as exc:
        await driver.close()
        pytest.fail(
            f"Neo4j is unreachable at {NEO4J_URI} (user {NEO4J_USER}): {exc}. Start it with "
            "`make test` or `orggraph neo4j start`, or point NEO4J_URI and NEO4J_PASSWORD at one.",
            pytrace=False,
        )
    try:
        yield driver
    finally:
        await driver.close()


async def _drop_schema(driver: AsyncDriver) -> None:
    """Back to a database never migrated: no constraints, no indexes of ours, no version."""
    constraints = await driver.execute_query(
        "SHOW CONSTRAINTS YIELD name", database_=NEO4J_DATABASE
    )
    for record in constraints.records:
        await driver.execute_query(
            "DROP CONSTRAINT $name IF EXISTS", name=record["name"], database_=NEO4J_DATABASE
        )
    indexes = await driver.execute_query(
        "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
        database_=NEO4J_DATABASE,
    )
    for record in indexes.records:
        await driver.execute_query(
            "DROP INDEX $name IF EXISTS", name=record["name"], database_=NEO4J_DATABASE
        )
    await driver.execute_query("MATCH (v:SchemaVersion) DELETE v", database_=NEO4J_DATABASE)


async def _schema(driver: AsyncDriver) -> set[tuple[str, ...]]:
    """Every constraint and index as (kind, name, type, labels, properties)."""
    found: set[tuple[str, ...]] = set()
    for kind, query in (
        ("constraint", "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties"),
        ("index", "SHOW INDEXES YIELD name, type, labelsOrTypes, properties"),
    ):
        result = await driver.execute_query(query, database_=NEO4J_DATABASE)
        for r in result.records:
            labels = ",".join(r["labelsOrTypes"] or [])
            properties = ",".join(r["properties"] or [])
            found.add((kind, r["name"], r["type"], labels, properties))
    return found


async def _version_nodes(driver: AsyncDriver) -> list[int]:
    result = await driver.execute_query(
        "MATCH (v:SchemaVersion) RETURN v.version AS version", database_=NEO4J_DATABASE
    )
    return [record["version"] for record in result.records]


async def test_applying_twice_applies_once(driver: AsyncDriver) -> None:
    await _drop_schema(driver)
    latest = load_migrations()[-1].version

    first = await apply_migrations(driver, NEO4J_DATABASE)
    after_first = await _schema(driver)
    second = await apply_migrations(driver, NEO4J_DATABASE)

    assert first == [migration.name for migration in load_migrations()]
    assert second == []
    assert await _schema(driver) == after_first
    assert await _version_nodes(driver) == [latest]
    assert await schema_version(driver, NEO4J_DATABASE) == latest


async def test_every_label_has_a_unique_id_constraint(driver: AsyncDriver) -> None:
    await apply_migrations(driver, NEO4J_DATABASE)
    result = await driver.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' AND properties = ['id'] RETURN labelsOrTypes[0] AS label",
        database_=NEO4J_DATABASE,
    )
    constrained = {record["label"] for record in result.records}
    assert set(LABELS) <= constrained, f"no unique id constraint on {set(LABELS) - constrained}"


async def test_a_partly_applied_schema_is_completed(driver: AsyncDriver) -> None:
    """A run cut short (version recorded below the last) is finished by the next run."""
    await apply_migrations(driver, NEO4J_DATABASE)
    complete = await _schema(driver)
    await driver.execute_query(
        "MATCH (v:SchemaVersion {id: 'orggraph'}) SET v.version = 1", database_=NEO4J_DATABASE
    )

    applied = await apply_migrations(driver, NEO4J_DATABASE)

    assert applied == [migration.name for migration in load_migrations()[1:]]
    assert await _schema(driver) == complete
    assert await _version_nodes(driver) == [load_migrations()[-1].version]
