"""Between domain values and what the named Cypher queries take and return.

Queries take plain rows (`$rows`, lists of maps) and return node maps (`n {.*, labels: ...,
parent_id: ...}`); keeping both translations here leaves `neo4j.py` about transactions only.
Dates travel in rows as ISO text and become Neo4j dates in Cypher (`date(row.since)`): the
driver packs a `datetime.date` much more slowly than a string, which shows in bulk batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from neo4j.time import Date, DateTime

from orggraph.domain.audit import AuditEntry
from orggraph.domain.cadres import CadreStanding, CoverRecord, EndReason
from orggraph.domain.entities import (
    Assignment,
    Counts,
    Coverage,
    Household,
    Member,
    Mode,
    Node,
    Page,
    PointsEntry,
    Unit,
    WorkUnit,
)
from orggraph.domain.gaps import Gap, GapKind, gap_reason
from orggraph.domain.levels import UNIT_LEVELS, Level
from orggraph.domain.policy import Policy
from orggraph.store.neo4j.figures import Figures
from orggraph.store.values import (
    Changes,
    ChildrenRequest,
    Subtree,
    SubtreeRequest,
    clamp_page_size,
)

Row = dict[str, Any]
"""One element of a query's `$rows` parameter."""

Props = Mapping[str, Any]
"""A node map as a query returns it."""


# -- domain values -> query rows -------------------------------------------------------------


def unit_row(unit: Unit) -> Row:
    return {
        "id": unit.id,
        "name": unit.name,
        "level": unit.level.value,
        "parent_id": unit.parent_id,
    }


def household_row(household: Household) -> Row:
    return {
        "id": household.id,
        "name": household.name,
        "parent_id": household.parent_id,
        "address": household.address,
        "phone": household.phone,
        "central": household.central,
    }


def member_row(member: Member) -> Row:
    return {
        "id": member.id,
        "name": member.name,
        "phone": member.phone,
        "work_unit_id": member.work_unit_id,
        "community_id": member.community_id,
    }


def work_unit_row(work_unit: WorkUnit) -> Row:
    return {"id": work_unit.id, "name": work_unit.name}


def assignment_row(assignment: Assignment) -> Row:
    return {
        "member_id": assignment.member_id,
        "household_id": assignment.household_id,
        "mode": assignment.mode.value,
        "since": assignment.since.isoformat(),
    }


def history_row(record: CoverRecord) -> Row:
    """An ended cover as `record_history_many` takes it."""
    return {
        "member_id": record.member_id,
        "household_id": record.household_id,
        "mode": record.mode.value,
        "since": record.since.isoformat(),
        "ended": record.ended.isoformat() if record.ended else None,
        "reason": record.reason.value if record.reason else None,
        "to_member_id": record.to_member_id,
    }


def cover_record_from(props: Props) -> CoverRecord:
    """A current cover (no `ended`) or an ended one, as `history_many` returns them."""
    ended = props.get("ended")
    reason = props.get("reason")
    return CoverRecord(
        member_id=props["member_id"],
        household_id=props["household_id"],
        mode=Mode(props["mode"]),
        since=native_date(props["since"]),
        ended=native_date(ended) if ended is not None else None,
        reason=EndReason(reason) if reason is not None else None,
        to_member_id=props.get("to_member_id"),
    )


def standing_from(props: Props) -> CadreStanding:
    """A cadre's standing in a roster, as `roster_standings` returns it."""
    return CadreStanding(
        member_id=props["id"],
        work_unit_id=props["work_unit_id"],
        registered_here=bool(props["registered"]),
        households_here=int(props["here"]),
        households_total=int(props["total"]),
        points=int(props["points"]),
        modes=frozenset(Mode(m) for m in props["modes"]),
    )


def changes_from(rows: Iterable[Mapping[str, Any]]) -> Changes:
    """What a write query's `change, rows` lines add up to."""
    counted = {r["change"]: int(r["rows"]) for r in rows}
    return Changes(
        counted.get("created", 0), counted.get("updated", 0), counted.get("unchanged", 0)
    )


def points_row(entry: PointsEntry) -> Row:
    return {
        "id": entry.id,
        "member_id": entry.member_id,
        "day": entry.day.isoformat(),
        "points": entry.points,
        "reason": entry.reason,
    }


PAIR_KEY = ("member_id", "household_id")
"""What makes an assignment row unique: the cadre-household pair."""


def batches(rows: Sequence[Row], key: str | tuple[str, ...], size: int) -> Iterator[list[Row]]:
    """Consecutive runs of at most `size` rows in which no key repeats, in input order.

    A query reads the database as it was before the query began, so a repeated id within one
    query would be judged "created" twice; it waits for the next query instead, which keeps
    the effect (and the created/updated counts) of applying the rows one by one.
    """
    fields = (key,) if isinstance(key, str) else key
    batch: list[Row] = []
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        row_key = tuple(row[field] for field in fields)
        if len(batch) >= size or row_key in seen:
            yield batch
            batch, seen = [], set()
        batch.append(row)
        seen.add(row_key)
    if batch:
        yield batch


def split_by_level(batch: list[Row]) -> list[list[Row]]:
    """A batch of unit rows as one list per level, streets first, so each finds its parent.

    (`upsert_units` sees the database as it was when it began, so a community cannot find the
    street created by the same query.)
    """
    return [
        rows for level in UNIT_LEVELS if (rows := [r for r in batch if r["level"] == level.value])
    ]


# -- query results -> domain values ----------------------------------------------------------


def node_from(props: Props) -> Node:
    """A unit, household, cadre or work unit from a node map that carries its `labels`."""
    labels = set(props["labels"])
    if "Member" in labels:
        return member_from(props)
    if "WorkUnit" in labels:
        return WorkUnit(id=props["id"], name=props["name"])
    if "Household" in labels:
        return household_from(props)
    return unit_from(props)


def children_page(
    found: Mapping[str, Any] | None, request: ChildrenRequest
) -> Page[Unit | Household]:
    """A `children` page from a `children_many` row (None: an unknown parent, or no streets)."""
    size = clamp_page_size(request.first)
    page = [tree_node_from(props) for props in found["page"]] if found else []
    return Page(
        items=page[:size],
        has_next=len(page) > size,
        total=int(found["total"]) if found else 0,
        end_cursor=page[:size][-1].id if page else request.after,
    )


def subtree_from(pages: Sequence[Mapping[str, Any]], request: SubtreeRequest) -> Subtree:
    """A subtree read's answer from its `subtrees_many` pages (each as `children_page` makes
    it) and the figures its children carry."""
    found: dict[ChildrenRequest, Page[Unit | Household]] = {}
    figures: dict[str, Counts] = {}
    for row in pages:
        key = request.page_request(row["parent_id"], row["depth"])
        found[key] = children_page(row, key)
        for child in row["page"][: clamp_page_size(key.first)]:
            if child["figures"] is not None:
                figures[child["id"]] = Figures.of(child["figures"]).counts()
    return Subtree(found, figures)


def tree_node_from(props: Props) -> Unit | Household:
    """A unit or a household (a child in the tree) from a node map with `labels`."""
    return household_from(props) if "Household" in props["labels"] else unit_from(props)


def searchable_from(props: Props) -> Unit | Household | Member:
    """A search hit: a cadre, a unit or a household."""
    return member_from(props) if "Member" in props["labels"] else tree_node_from(props)


def unit_from(props: Props) -> Unit:
    return Unit(
        id=props["id"],
        name=props["name"],
        level=Level(props["level"]),
        parent_id=props["parent_id"],
    )


def household_from(props: Props) -> Household:
    return Household(
        id=props["id"],
        name=props["name"],
        parent_id=props["parent_id"],
        address=props.get("address") or "",
        phone=props.get("phone") or "",
        central=bool(props.get("central")),
    )


def member_from(props: Props) -> Member:
    return Member(
        id=props["id"],
        name=props["name"],
        phone=props.get("phone") or "",
        work_unit_id=props.get("work_unit_id"),
        community_id=props.get("community_id"),
    )


def points_from(props: Props, member_id: str) -> PointsEntry:
    return PointsEntry(
        id=props["id"],
        member_id=member_id,
        day=native_date(props["day"]),
        points=int(props["points"]),
        reason=props.get("reason") or "",
    )


def coverages_for_member(member: Member, covers: Iterable[Props]) -> list[Coverage]:
    """A cadre's covers, as `member_households` returns them (already by household id)."""
    return [
        Coverage(
            member=member,
            household=household_from(cover["household"]),
            mode=Mode(cover["mode"]),
            since=native_date(cover["since"]),
        )
        for cover in covers
    ]


def coverages_for_household(household: Household, covers: Iterable[Props]) -> list[Coverage]:
    """A household's covers, as `household_members` returns them (already by member id)."""
    return [
        Coverage(
            member=member_from(cover["member"]),
            household=household,
            mode=Mode(cover["mode"]),
            since=native_date(cover["since"]),
        )
        for cover in covers
    ]


def native_date(value: Date | date) -> date:
    """Neo4j returns its own `Date`; the domain speaks `datetime.date`."""
    return value.to_native() if isinstance(value, Date) else value


def counts_from(rows: Iterable[Mapping[str, Any]]) -> Counts:
    """`Counts` from per-level rows of one subtree (`counts_many`, `counts_city`)."""
    rows = list(rows)
    return _counts(rows, sum(int(row["covering_members"]) for row in rows))


def _counts(rows: Iterable[Mapping[str, Any]], covering_members: int) -> Counts:
    """Sum per-level figure rows (several rows may share a level) into `Counts`."""
    units = dict.fromkeys(UNIT_LEVELS, 0)
    households = central = covered = members = assignments = 0
    for row in rows:
        level = Level(row["level"])
        members += int(row["members"])
        if level is not Level.HOUSEHOLD:
            units[level] += int(row["nodes"])
            continue
        households += int(row["nodes"])
        central += int(row["central"])
        covered += int(row["covered"])
        assignments += int(row["assignments"])
    return Counts(
        units=units,
        households=households,
        central_households=central,
        covered_households=covered,
        members=members,
        covering_members=covering_members,
        assignments=assignments,
    )


def gap_from(props: Props, policy: Policy, year: int) -> Gap:
    """A described gap from the `items` of the `gaps` query."""
    kind = list(GapKind)[props["rank"]]
    value = props["value"]
    return Gap(
        kind=kind,
        subject_id=props["id"],
        subject_name=props["name"],
        unit_id=props["unit_id"],
        unit_path=tuple(props["unit_path"] or ()),
        value=value,
        reason=gap_reason(kind, value, policy, year),
        subject=node_from(props["subject"]),
    )


def audit_params(entry: AuditEntry) -> Row:
    """The `record_audit` parameters of an entry."""
    return {
        "id": entry.id,
        "at": entry.at,
        "subject": entry.subject,
        "role": entry.role,
        "action": entry.action,
        "target_ids": list(entry.target_ids),
        "arguments": entry.arguments,
        "before": entry.before,
        "after": entry.after,
    }


def audit_from(props: Props) -> AuditEntry:
    at: DateTime | datetime = props["at"]
    return AuditEntry(
        id=props["id"],
        at=at.to_native() if isinstance(at, DateTime) else at,
        subject=props["subject"],
        role=props["role"],
        action=props["action"],
        target_ids=tuple(props["target_ids"]),
        arguments=props["arguments"],
        before=props["before"],
        after=props["after"],
    )
