"""One import, start to end: read, check everything, then write (or, dry, say what would change).

Nothing is written unless the whole ledger is clean: an organiser gets every problem in one
report, and the store never holds half of a ledger that was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orggraph.importer.in_flight import DEFAULT_JOBS
from orggraph.importer.offers import plan_offers
from orggraph.importer.plan import plan_changes
from orggraph.importer.service import plan_service
from orggraph.importer.validate import (
    check_references,
    fetch_nodes,
    referenced_ids,
    sorted_problems,
)
from orggraph.importer.write import DEFAULT_BATCH_SIZE, write_to_store
from orggraph.ledger import Kind, Problem, read_ledger
from orggraph.store.protocols import ImportTarget
from orggraph.store.values import Changes


@dataclass
class ImportReport:
    """The outcome: the problems (then nothing was written) or what changed, per kind."""

    problems: list[Problem] = field(default_factory=list)
    changes: dict[Kind, Changes] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """A small table of rows per kind: created, updated, unchanged (a service request
        counts once, with its steps)."""
        verb = "would change" if self.dry_run else "changed"
        lines = [
            f"{'kind':<16} {'rows':>9} {'created':>9} {'updated':>9} {'unchanged':>9}",
        ]
        total = Changes()
        for kind in Kind:
            if kind is Kind.SERVICE_STEPS:  # counted with their requests
                continue
            changes = self.changes.get(kind, Changes())
            total += changes
            lines.append(_line(kind.value, changes))
        lines.append(_line("total", total))
        touched = total.created + total.updated
        lines.append(f"{'dry run: ' if self.dry_run else ''}{verb} {touched:,} row(s)")
        return "\n".join(lines)


def _line(label: str, changes: Changes) -> str:
    rows = changes.created + changes.updated + changes.unchanged
    return (
        f"{label:<16} {rows:>9,} {changes.created:>9,} {changes.updated:>9,} "
        f"{changes.unchanged:>9,}"
    )


async def import_ledger(
    path: Path,
    store: ImportTarget,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    jobs: int = DEFAULT_JOBS,
) -> ImportReport:
    """Import the ledger at `path` into `store`: all problems, or all rows written."""
    parsed = read_ledger(path)
    stored = await fetch_nodes(store, referenced_ids(parsed), batch_size, jobs)
    problems = parsed.problems + check_references(parsed, stored)
    offers = await plan_offers(parsed, stored, store) if not problems else None
    if offers is not None:
        problems += offers.problems
    service = None
    if offers is not None and not problems:
        service = await plan_service(parsed, stored, store, offers.known)
        problems += service.problems
    if problems or offers is None or service is None:
        return ImportReport(problems=sorted_problems(parsed, problems), dry_run=dry_run)
    ledger = parsed.ledger(service.histories, offers.offers)
    ledger.points += service.points
    if dry_run:
        changes = await plan_changes(ledger, store, stored, batch_size)
    else:
        changes = await write_to_store(ledger, store, batch_size, progress, jobs)
    return ImportReport(changes=changes, dry_run=dry_run)
