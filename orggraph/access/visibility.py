"""What lies inside a caller's scope, decided once per id and request.

- A unit or household is inside when it is the scope's unit or lies below it.
- A cadre is inside when registered with a community inside the scope, or covering at least
  one household inside it. Work units belong to no tree and are inside every scope.
- Unknown ids are never inside (for a scoped caller); an admin (scope None) sees everything,
  and the store itself answers unknown ids, so an admin's reads cost no extra round trip.

The nodes fetched to decide are kept, so the view answers a read of them without asking the
store again; `forget` drops them, and what was decided, when a write may have changed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from orggraph.domain.entities import Household, Member, Node, Unit, WorkUnit
from orggraph.domain.errors import UnknownIdError
from orggraph.store.protocols import BatchedReads


class Visibility:
    """One request's judgement of which ids lie inside `scope` (None: the whole city)."""

    def __init__(self, reader: BatchedReads, scope: str | None) -> None:
        self._reader = reader
        self.scope = scope
        self._inside: dict[str, bool] = {}
        self._nodes: dict[str, Node | None] = {}

    async def nodes(self, ids: Sequence[str]) -> list[Node | None]:
        """The nodes under `ids` as the store holds them, each fetched once per request."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._nodes]
        if wanted:
            self._nodes.update(zip(wanted, await self._reader.get_nodes(wanted), strict=True))
        return [self._nodes[i] for i in ids]

    def know(self, nodes: Mapping[str, Node | None]) -> None:
        """Nodes a read has already fetched (a listing's households and cadres): deciding
        them later needs no read of them."""
        self._nodes.update(nodes)

    def forget(self) -> None:
        """After a write: the next read fetches the nodes and decides again, since a write
        changes what lies inside (a new id exists, a cadre covers or stops covering a
        household inside)."""
        self._nodes.clear()
        self._inside.clear()

    async def visible_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` lie inside the scope."""
        if self.scope is None:
            return set(ids)
        wanted = [i for i in dict.fromkeys(ids) if i not in self._inside]
        if wanted:
            await self._decide(self.scope, wanted, await self.nodes(wanted))
        return {i for i in ids if self._inside.get(i)}

    async def require_visible(self, *ids: str | None) -> None:
        """UnknownIdError naming the ids outside the scope, as if they did not exist."""
        wanted = [i for i in ids if i is not None]
        hidden = set(wanted) - await self.visible_ids(wanted)
        if hidden:
            raise UnknownIdError(hidden)

    def trim(self, chain: list[Unit]) -> list[Unit]:
        """Ancestors from the scope's unit down: nothing above the caller's unit shows."""
        if self.scope is None:
            return chain
        for index, unit in enumerate(chain):
            if unit.id == self.scope:
                return chain[index:]
        return []

    async def _decide(self, scope: str, ids: list[str], nodes: list[Node | None]) -> None:
        """Tree nodes by their place, cadres by their community, else by whether they cover
        a household inside the scope."""
        tree_ids = [n.id for n in nodes if isinstance(n, Unit | Household)]
        members = [n for n in nodes if isinstance(n, Member)]
        communities = [m.community_id for m in members if m.community_id]
        inside = await self._inside_tree(scope, [*tree_ids, *communities])
        for node_id, node in zip(ids, nodes, strict=True):
            self._inside[node_id] = isinstance(node, WorkUnit) or node_id in inside
        pending: list[Member] = []
        for member in members:
            registered_inside = member.community_id in inside
            self._inside[member.id] = registered_inside
            if not registered_inside:
                pending.append(member)
        if pending:
            covered = await self._reader.member_households_many([m.id for m in pending])
            household_ids = [c.household.id for rows in covered for c in rows or []]
            inside_households = await self._inside_tree(scope, household_ids)
            for member, rows in zip(pending, covered, strict=True):
                self._inside[member.id] = any(
                    c.household.id in inside_households for c in rows or []
                )

    async def _inside_tree(self, scope: str, ids: Sequence[str]) -> set[str]:
        """The units and households among `ids` at or below the scope's unit."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return set()
        chains = await self._reader.ancestors_many(unique)
        return {
            node_id
            for node_id, chain in zip(unique, chains, strict=True)
            if node_id == scope or any(unit.id == scope for unit in chain or [])
        }
