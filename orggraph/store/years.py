"""The one rule for the year a points rule reads when the caller names none.

The latest calendar year with any points entry, so a city whose points were recorded for an
earlier year (the demo city's are dated 2022) is judged on them, not on an empty current year
(which would put every cadre under the minimum); the current year when there are none yet.
The API's gap queries and `Member.points`, the reports, `stats` and the Browser guide follow it.
"""

from __future__ import annotations

from datetime import date

from orggraph.store.protocols import OrgView

UNUSED_YEAR = 1
"""The year handed to a gap query that lists no points gap (the year changes nothing then),
so choosing it costs no store read."""


async def points_year(view: OrgView, year: int | None) -> int:
    """`year` when given, else the latest year with points entries, else this year."""
    if year is not None:
        return year
    latest = await view.latest_points_year()
    return latest if latest is not None else date.today().year
