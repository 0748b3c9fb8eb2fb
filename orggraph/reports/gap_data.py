"""What a coverage-gap report shows, read from the store in the API's own terms.

The figures come from `coverage_summary`, the gap counts from `gap_counts` and the lists from
`gaps`, the calls behind the API's `coverageSummary`, `gapCounts` and `coverageGaps`: so the
report and a dashboard never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from orggraph.domain.entities import Household, Member
from orggraph.domain.gaps import Gap, GapKind
from orggraph.domain.policy import Policy
from orggraph.reports.scope import Scope, resolve_scope
from orggraph.store.protocols import OrgView
from orggraph.store.values import MAX_PAGE_SIZE, CoverageSummary

Progress = Callable[[str], None]
"""Where collection says what it is doing (the CLI prints it to stderr)."""

OPEN_BAND = Policy(min_households=2**31 - 1, max_households=2**31 - 1)
"""A band no cadre reaches: under it, `CADRE_UNDER_BAND` lists every covering cadre of the
scope with their household count. With `CADRE_COVERING_NONE` (the registered cadres covering
none) that is every cadre of the scope by the gap rules' own definition, so the load histogram
is exact on both stores and counted inside the store, page by page."""


@dataclass(frozen=True)
class GapReport:
    """Everything a gap report prints, in any format."""

    scope: Scope
    year: int
    """The calendar year of the points rule (`CADRE_UNDER_POINTS`)."""
    policy: Policy
    data_as_of: datetime
    """When the figures were read from the store (the report is a snapshot)."""
    summary: CoverageSummary
    gap_counts: dict[GapKind, int]
    gaps: dict[GapKind, list[Gap]]
    """Every gap of every kind, by subject id; a kind without gaps has an empty list."""
    cadre_load: dict[int, int]
    """Households covered -> how many cadres of the scope cover that many (0: cover none)."""
    source: str
    """The store the figures came from (`memory` or `neo4j`), printed for provenance."""
    listed: tuple[GapKind, ...] = tuple(GapKind)
    """The kinds whose gaps are listed (`--kinds`); none for a summary-only report. Every
    kind is counted either way."""
    work_units: dict[str, str] = field(default_factory=dict)
    """Work unit id -> name, for the listed cadres' contact lines."""

    def contact(self, gap: Gap) -> str:
        """What one needs to act on a gap: a household's address and phone, a cadre's phone
        and work unit; masked as the reader's token masks them (`***`), empty for units."""
        subject = gap.subject
        if isinstance(subject, Household):
            parts = (subject.address, subject.phone)
        elif isinstance(subject, Member):
            unit = subject.work_unit_id
            parts = (subject.phone, self.work_units.get(unit, unit) if unit else "")
        else:
            return ""
        return " · ".join(part for part in parts if part)


async def collect_gap_report(
    store: OrgView,
    scope_id: str | None,
    policy: Policy,
    year: int,
    progress: Progress,
    zone: tzinfo | None = None,
    kinds: Sequence[GapKind] | None = None,
    summary_only: bool = False,
) -> GapReport:
    """Read a scope's figures, gap counts, gap lists and cadre loads from the store; the
    report's time is in `zone` (the organisers' time zone; default the machine's). Only the
    gaps of `kinds` (default every kind) are listed, none with `summary_only`: a city's full
    list runs to hundreds of pages."""
    scope = await resolve_scope(store, scope_id)
    data_as_of = datetime.now(zone).astimezone(zone)
    progress("reading the coverage figures")
    summary = await store.coverage_summary(scope_id)
    gap_counts = await store.gap_counts(scope_id, policy, year)
    total = sum(gap_counts.values())
    progress(f"reading {total:,} gap(s)")
    listed = () if summary_only else tuple(k for k in GapKind if kinds is None or k in kinds)
    found = await all_gaps(store, scope_id, list(listed), policy, year, progress) if listed else []
    gaps: dict[GapKind, list[Gap]] = {kind: [] for kind in GapKind}
    for gap in found:
        gaps[gap.kind].append(gap)
    work_units = await _work_unit_names(store, found)
    progress("reading the cadres' loads")
    load = await cadre_load(store, scope_id, year, progress)
    return GapReport(
        scope,
        year,
        policy,
        data_as_of,
        summary,
        gap_counts,
        gaps,
        load,
        store.name,
        listed,
        work_units,
    )


async def _work_unit_names(store: OrgView, gaps: Sequence[Gap]) -> dict[str, str]:
    """The names of the work units the listed cadres come from, in one read."""
    ids = sorted(
        {
            gap.subject.work_unit_id
            for gap in gaps
            if isinstance(gap.subject, Member) and gap.subject.work_unit_id
        }
    )
    if not ids:
        return {}
    return {node.id: node.name for node in await store.get_nodes(ids) if node is not None}


async def all_gaps(
    store: OrgView,
    scope_id: str | None,
    kinds: Sequence[GapKind],
    policy: Policy,
    year: int,
    progress: Progress,
) -> list[Gap]:
    """Every gap of the kinds, following the pages (the largest the store gives) to the end."""
    found: list[Gap] = []
    after: str | None = None
    while True:
        page = await store.gaps(scope_id, kinds, policy, year, MAX_PAGE_SIZE, after)
        found.extend(page.items)
        if not page.has_next:
            return found
        progress(f"  {len(found):,} of {page.total:,}")
        after = page.end_cursor


async def cadre_load(
    store: OrgView, scope_id: str | None, year: int, progress: Progress
) -> dict[int, int]:
    """How many of the scope's cadres cover 0, 1, 2, ... households (in all, as the band rule
    counts them)."""
    kinds = [GapKind.CADRE_UNDER_BAND, GapKind.CADRE_COVERING_NONE]
    cadres = await all_gaps(store, scope_id, kinds, OPEN_BAND, year, progress)
    return dict(sorted(Counter(gap.value or 0 for gap in cadres).items()))
