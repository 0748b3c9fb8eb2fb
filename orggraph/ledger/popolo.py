"""A ledger as Popolo JSON (https://www.popoloproject.com), the open standard for people,
organisations and their memberships, for systems that do not read orggraph's ledgers.

What goes where (points entries have no place in Popolo and stay out):

- organizations: every unit (`classification` `street_committee`, `community_committee`,
  `residential_branch`, `building_group`, with `parent_id`), every household (`household`,
  or `central_household` for a 党员中心户, under its building group; address and phone as
  `contact_details`; a removed household that ended covers still name has only its id and a
  `dissolution_date`) and every work unit (`work_unit`);
- persons: the cadres (their phone as a `contact_details` entry);
- memberships: a cadre's place in their work unit (`role` `dispatched`, 派出), their
  registration with a community (`registered`, 报到), and each cover of a household, current
  or ended (`unit_cover` or `residence_cover`, by mode; `start_date` the day it began,
  `end_date` the day it ended, `label` why: `unassigned`, `household_removed`,
  `cadre_removed` or `transferred:<cadre id>`). Registrations and covers name the cadre's
  work unit as `on_behalf_of_id`.

Written in the ledger's canonical order with sorted keys, so the same ledger gives the same
bytes; `ledger_from_popolo` reads it back into the same ledger (less the points).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from orggraph.domain.cadres import CoverRecord, EndReason
from orggraph.domain.entities import Assignment, Household, Member, Mode, Unit, WorkUnit
from orggraph.domain.errors import InvalidValueError
from orggraph.domain.levels import Level
from orggraph.ledger.model import Ledger

Json = dict[str, Any]

CLASSIFICATIONS = {
    Level.STREET: "street_committee",
    Level.COMMUNITY: "community_committee",
    Level.BRANCH: "residential_branch",
    Level.BUILDING: "building_group",
}
_LEVELS = {name: level for level, name in CLASSIFICATIONS.items()}
HOUSEHOLD, CENTRAL_HOUSEHOLD, WORK_UNIT = "household", "central_household", "work_unit"
DISPATCHED, REGISTERED = "dispatched", "registered"
COVER_ROLES = {Mode.UNIT: "unit_cover", Mode.RESIDENCE: "residence_cover"}
_MODES = {role: mode for mode, role in COVER_ROLES.items()}
_TRANSFERRED = "transferred:"


def popolo_from_ledger(ledger: Ledger) -> Json:
    """The ledger as one Popolo document: organizations, persons and memberships."""
    canonical = ledger.canonical()
    organizations = [_unit(u) for u in canonical.units]
    organizations += [_household(h) for h in canonical.households]
    organizations += _removed_households(canonical)
    organizations += [
        {"id": w.id, "name": w.name, "classification": WORK_UNIT} for w in canonical.work_units
    ]
    persons = [_person(m) for m in canonical.members]
    units_of = {m.id: m.work_unit_id for m in canonical.members}
    memberships: list[Json] = []
    for m in canonical.members:
        if m.work_unit_id is not None:
            memberships.append(_membership(f"{m.id}/dispatched", m.id, m.work_unit_id, DISPATCHED))
        if m.community_id is not None:
            memberships.append(
                _membership(f"{m.id}/registered", m.id, m.community_id, REGISTERED, m.work_unit_id)
            )
    covers = [
        CoverRecord(a.member_id, a.household_id, a.mode, a.since) for a in canonical.assignments
    ]
    for cover in [*covers, *canonical.history]:
        memberships.append(_cover(cover, units_of.get(cover.member_id)))
    return {"organizations": organizations, "persons": persons, "memberships": memberships}


def write_popolo(ledger: Ledger, path: Path) -> Path:
    """Write the ledger's Popolo document as UTF-8 JSON; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(popolo_from_ledger(ledger), ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _unit(unit: Unit) -> Json:
    return {
        "id": unit.id,
        "name": unit.name,
        "classification": CLASSIFICATIONS[unit.level],
        "parent_id": unit.parent_id,
    }


def _household(household: Household) -> Json:
    contacts = [
        {"type": kind, "value": value}
        for kind, value in (("address", household.address), ("voice", household.phone))
        if value
    ]
    return {
        "id": household.id,
        "name": household.name,
        "classification": CENTRAL_HOUSEHOLD if household.central else HOUSEHOLD,
        "parent_id": household.parent_id,
        "contact_details": contacts,
    }


def _removed_households(ledger: Ledger) -> list[Json]:
    """Households only ended covers name (removed since): an organization with no name or
    parent, dissolved on the day their last cover ended, so every membership resolves."""
    present = {h.id for h in ledger.households}
    dissolved: dict[str, date] = {}
    for record in ledger.history:
        if record.household_id not in present and record.ended is not None:
            last = dissolved.get(record.household_id, record.ended)
            dissolved[record.household_id] = max(last, record.ended)
    return [
        {
            "id": household_id,
            "name": None,
            "classification": HOUSEHOLD,
            "dissolution_date": day.isoformat(),
        }
        for household_id, day in sorted(dissolved.items())
    ]


def _person(member: Member) -> Json:
    contacts = [{"type": "voice", "value": member.phone}] if member.phone else []
    return {"id": member.id, "name": member.name, "contact_details": contacts}


def _membership(
    membership_id: str,
    person_id: str,
    organization_id: str,
    role: str,
    on_behalf_of_id: str | None = None,
) -> Json:
    found: Json = {
        "id": membership_id,
        "person_id": person_id,
        "organization_id": organization_id,
        "role": role,
    }
    if on_behalf_of_id is not None:
        found["on_behalf_of_id"] = on_behalf_of_id
    return found


def _cover(cover: CoverRecord, work_unit_id: str | None) -> Json:
    ended = f"/{cover.ended.isoformat()}" if cover.ended else ""
    found = _membership(
        f"{cover.member_id}/{cover.household_id}/{cover.since.isoformat()}{ended}",
        cover.member_id,
        cover.household_id,
        COVER_ROLES[cover.mode],
        work_unit_id,
    )
    found["start_date"] = cover.since.isoformat()
    if cover.ended is not None and cover.reason is not None:
        found["end_date"] = cover.ended.isoformat()
        found["label"] = (
            f"{_TRANSFERRED}{cover.to_member_id}"
            if cover.reason is EndReason.TRANSFERRED and cover.to_member_id
            else cover.reason.value
        )
    return found


# -- reading it back ---------------------------------------------------------------------------


def read_popolo(path: Path) -> Ledger:
    """The ledger a Popolo document written by `write_popolo` holds."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InvalidValueError(f"{path}: not JSON: {exc}") from exc
    return ledger_from_popolo(data)


def ledger_from_popolo(data: Json) -> Ledger:
    """Organizations, persons and memberships back into units, households, work units,
    cadres and covers; InvalidValueError names what does not fit."""
    ledger = Ledger()
    for organization in data.get("organizations", []):
        _read_organization(organization, ledger)
    links: dict[str, dict[str, str]] = {}
    for membership in data.get("memberships", []):
        role = membership.get("role")
        person_id = str(membership.get("person_id"))
        organization_id = str(membership.get("organization_id"))
        if role in (DISPATCHED, REGISTERED):
            links.setdefault(person_id, {})[role] = organization_id
        elif role in _MODES:
            _read_cover(membership, _MODES[role], person_id, organization_id, ledger)
        else:
            raise InvalidValueError(f"membership {membership.get('id')}: unknown role {role!r}")
    for person in data.get("persons", []):
        person_id = person["id"]
        phones = [c["value"] for c in person.get("contact_details", []) if c["type"] == "voice"]
        own = links.get(person_id, {})
        ledger.members.append(
            Member(
                person_id,
                person["name"],
                phones[0] if phones else "",
                own.get(DISPATCHED),
                own.get(REGISTERED),
            )
        )
    return ledger.canonical()


def _read_organization(organization: Json, ledger: Ledger) -> None:
    kind = organization.get("classification")
    org_id, name = organization["id"], organization.get("name") or ""
    if kind in _LEVELS:
        ledger.units.append(Unit(org_id, name, _LEVELS[kind], organization.get("parent_id")))
    elif kind == HOUSEHOLD and organization.get("dissolution_date"):
        return  # a removed household: only its ended covers are kept
    elif kind in (HOUSEHOLD, CENTRAL_HOUSEHOLD):
        contacts = {c["type"]: c["value"] for c in organization.get("contact_details", [])}
        ledger.households.append(
            Household(
                org_id,
                name,
                organization["parent_id"],
                contacts.get("address", ""),
                contacts.get("voice", ""),
                kind == CENTRAL_HOUSEHOLD,
            )
        )
    elif kind == WORK_UNIT:
        ledger.work_units.append(WorkUnit(org_id, name))
    else:
        raise InvalidValueError(f"organization {org_id}: unknown classification {kind!r}")


def _read_cover(
    membership: Json, mode: Mode, person_id: str, household_id: str, ledger: Ledger
) -> None:
    since = date.fromisoformat(membership["start_date"])
    end = membership.get("end_date")
    if end is None:
        ledger.assignments.append(Assignment(person_id, household_id, mode, since))
        return
    label = str(membership.get("label") or EndReason.UNASSIGNED.value)
    successor = label[len(_TRANSFERRED) :] if label.startswith(_TRANSFERRED) else None
    reason = EndReason.TRANSFERRED if successor is not None else EndReason.parse(label)
    ledger.history.append(
        CoverRecord(
            person_id, household_id, mode, since, date.fromisoformat(end), reason, successor
        )
    )
