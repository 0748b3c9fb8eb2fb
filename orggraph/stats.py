"""`orggraph stats`: the figures of the city or of one subtree, the same from either store.

The keys follow `Ledger.figures()`, so a generated ledger's figures and the store's figures
after importing it compare key by key.
"""

from __future__ import annotations

from typing import Any

from orggraph.domain.levels import UNIT_LEVELS
from orggraph.domain.policy import Policy
from orggraph.store.protocols import OrgView


async def collect_stats(
    store: OrgView, scope_id: str | None, policy: Policy, year: int
) -> dict[str, Any]:
    """Counts per level, households, cover, cadres, assignments and gaps per kind.

    Gaps use `policy` (the band, the points minimum) and points dated in `year`.
    """
    counts = await store.counts(scope_id)
    gaps = await store.gap_counts(scope_id, policy, year)
    return {
        "store": store.name,
        "scope": scope_id,
        "units": {level.name.lower(): counts.units.get(level, 0) for level in UNIT_LEVELS},
        "households": counts.households,
        "central_households": counts.central_households,
        "covered_households": counts.covered_households,
        "uncovered_households": counts.households - counts.covered_households,
        "coverage": round(counts.coverage, 4),
        "members": counts.members,
        "covering_members": counts.covering_members,
        "assignments": counts.assignments,
        "gaps_year": year,
        "gaps": {kind.value: count for kind, count in gaps.items()},
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The same figures as an aligned text table, for people."""
    scope = stats["scope"] or "the whole city"
    lines = [f"{scope} ({stats['store']} store)"]
    rows: list[tuple[str, object]] = [(f"units: {k}", v) for k, v in stats["units"].items()]
    rows += [
        (key, stats[key])
        for key in (
            "households",
            "central_households",
            "covered_households",
            "uncovered_households",
            "members",
            "covering_members",
            "assignments",
        )
    ]
    rows.append(("coverage", f"{stats['coverage']:.1%}"))
    rows += [(f"gaps {stats['gaps_year']}: {k}", v) for k, v in stats["gaps"].items()]
    for label, value in rows:
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        lines.append(f"  {label:<36} {shown:>10}")
    return "\n".join(lines)
