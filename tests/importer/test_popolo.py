"""`orggraph export --format popolo`: Popolo JSON checked against the Popolo field definitions
(popoloproject.com: Organization, Person, Membership, ContactDetail), read back by a reader of
our own, and round-tripped through the ledger format into an empty store; on both stores."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from contract.city import City

from orggraph.importer import export_ledger, import_ledger
from orggraph.ledger import write_ledger
from orggraph.ledger.popolo import ledger_from_popolo, popolo_from_ledger, read_popolo
from orggraph.store.memory import MemoryStore
from orggraph.store.protocols import GraphStore

from .conftest import cli

# The Popolo specification's property names per class, and which of them are dates or lists.
POPOLO_FIELDS = {
    "organization": {
        "id",
        "name",
        "other_names",
        "identifiers",
        "classification",
        "parent_id",
        "parent",
        "area_id",
        "area",
        "founding_date",
        "dissolution_date",
        "image",
        "contact_details",
        "links",
        "memberships",
        "posts",
        "created_at",
        "updated_at",
        "sources",
    },
    "person": {
        "id",
        "name",
        "other_names",
        "identifiers",
        "family_name",
        "given_name",
        "additional_name",
        "honorific_prefix",
        "honorific_suffix",
        "patronymic_name",
        "sort_name",
        "email",
        "gender",
        "birth_date",
        "death_date",
        "image",
        "summary",
        "biography",
        "national_identity",
        "contact_details",
        "links",
        "memberships",
        "created_at",
        "updated_at",
        "sources",
    },
    "membership": {
        "id",
        "label",
        "role",
        "member",
        "person_id",
        "person",
        "organization_id",
        "organization",
        "post_id",
        "post",
        "on_behalf_of_id",
        "on_behalf_of",
        "area_id",
        "area",
        "start_date",
        "end_date",
        "contact_details",
        "links",
        "created_at",
        "updated_at",
        "sources",
    },
    "contact_detail": {"label", "type", "value", "note"},
}
LISTS = {
    "other_names",
    "identifiers",
    "contact_details",
    "links",
    "memberships",
    "posts",
    "sources",
}
DATES = {"founding_date", "dissolution_date", "birth_date", "death_date", "start_date", "end_date"}
DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}){0,2}$")


def check_popolo(document: dict[str, Any]) -> None:
    """Every object uses only its class's Popolo fields, with Popolo's types; contact details
    have their required type and value; every reference names an object of the document."""
    assert set(document) <= {"organizations", "persons", "memberships"}
    kinds = {"organizations": "organization", "persons": "person", "memberships": "membership"}
    for key, kind in kinds.items():
        for item in document[key]:
            assert set(item) <= POPOLO_FIELDS[kind], (kind, set(item) - POPOLO_FIELDS[kind])
            for name, value in item.items():
                if name in LISTS:
                    assert isinstance(value, list)
                else:
                    assert value is None or isinstance(value, str), (kind, name, value)
                if name in DATES and value is not None:
                    assert DATE.match(value), (kind, name, value)
            for contact in item.get("contact_details", []):
                assert set(contact) <= POPOLO_FIELDS["contact_detail"]
                assert isinstance(contact["type"], str) and isinstance(contact["value"], str)
    organizations = {o["id"] for o in document["organizations"]}
    persons = {p["id"] for p in document["persons"]}
    ids = [item["id"] for key in kinds for item in document[key]]
    assert len(ids) == len(set(ids)), "ids are unique"
    for o in document["organizations"]:
        assert o.get("parent_id") is None or o["parent_id"] in organizations
    for m in document["memberships"]:
        assert m["person_id"] in persons and m["organization_id"] in organizations
        assert m.get("on_behalf_of_id") is None or m["on_behalf_of_id"] in organizations


async def _with_history(store: GraphStore) -> None:
    await store.unassign("m1", "h02", date(2025, 3, 1))
    await store.transfer("h08", "m2", "m6", date(2025, 5, 5))
    await store.delete_unit("h10")


async def test_the_export_is_popolo_and_reads_back(store: GraphStore, city: City) -> None:
    await _with_history(store)
    ledger = await export_ledger(store)
    document = popolo_from_ledger(ledger)
    check_popolo(document)
    by_id = {item["id"]: item for key in document for item in document[key]}
    assert by_id["c1"] == {
        "id": "c1",
        "name": "园林社区大党委",
        "classification": "community_committee",
        "parent_id": "s1",
    }
    assert by_id["h01"]["classification"] == "central_household"
    assert by_id["wu1"]["classification"] == "work_unit"
    assert by_id["m1/registered"] == {
        "id": "m1/registered",
        "person_id": "m1",
        "organization_id": "c1",
        "role": "registered",
        "on_behalf_of_id": "wu1",
    }
    assert by_id["m2/h08/2024-02-20/2025-05-05"] == {
        "id": "m2/h08/2024-02-20/2025-05-05",
        "person_id": "m2",
        "organization_id": "h08",
        "role": "unit_cover",
        "on_behalf_of_id": "wu1",
        "start_date": "2024-02-20",
        "end_date": "2025-05-05",
        "label": "transferred:m6",
    }
    assert "end_date" not in by_id["m6/h08/2025-05-05"]
    back = ledger_from_popolo(json.loads(json.dumps(document)))
    assert back.points == []
    assert back == type(ledger)(**{**vars(ledger.canonical()), "points": []})


async def test_popolo_round_trips_through_the_ledger_format(
    store: GraphStore, city: City, tmp_path: Path, monkeypatch: Any
) -> None:
    """Export to Popolo through the CLI's writer, read it back, write that as a ledger, import
    it into an empty store, export Popolo again: the same document."""
    await _with_history(store)
    first = popolo_from_ledger(await export_ledger(store))
    path = tmp_path / "city.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    write_ledger(read_popolo(path), tmp_path / "ledger")
    fresh = await MemoryStore.open(tmp_path / "fresh")
    try:
        report = await import_ledger(tmp_path / "ledger", fresh, progress=False)
        assert report.ok, report.problems
        again = popolo_from_ledger(await export_ledger(fresh))
    finally:
        await fresh.close()
    assert again == first


def test_the_cli_writes_popolo(tmp_path: Path, monkeypatch: Any) -> None:
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "units.csv").write_text("id,name,level,parent_id\ns1,园林街道,street,\n")
    monkeypatch.setenv("ORGGRAPH_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(ledger), "--no-progress"]).exit_code == 0
    out = tmp_path / "city.json"
    result = runner.invoke(cli, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    check_popolo(document)
    assert document["organizations"] == [
        {"id": "s1", "name": "园林街道", "classification": "street_committee", "parent_id": None}
    ]
    before = out.read_bytes()
    assert runner.invoke(cli, ["export", "--out", str(out), "--format", "popolo"]).exit_code == 0
    assert out.read_bytes() == before, "the same store gives the same bytes"
