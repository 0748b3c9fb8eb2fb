"""What an id can name: the vocabulary the write rules, both stores and the importer share.

Ids are unique across every kind (docs/domain.md#the-chain), so "what does this id name" is
one question with one answer: a unit of some level, a household, a cadre, a work unit or a
points entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from orggraph.domain.entities import Household, Member, Node, Unit
from orggraph.domain.levels import Level


class NodeKind(Enum):
    """A kind of node; the value is how errors name the kind a reference expected."""

    UNIT = "unit"
    HOUSEHOLD = "household"
    MEMBER = "member"
    WORK_UNIT = "work unit"
    POINTS = "points entry"
    OTHER = "node"
    """A Neo4j node of a label outside the model (never written by orggraph)."""


_LABELS = {
    NodeKind.HOUSEHOLD: "Household",
    NodeKind.MEMBER: "Member",
    NodeKind.WORK_UNIT: "WorkUnit",
    NodeKind.POINTS: "PointsEntry",
    NodeKind.OTHER: "Node",
}
_ENGLISH = {
    NodeKind.HOUSEHOLD: "household",
    NodeKind.MEMBER: "cadre",
    NodeKind.WORK_UNIT: "work unit",
    NodeKind.POINTS: "points entry",
    NodeKind.OTHER: "node",
}


@dataclass(frozen=True)
class What:
    """What one id names: a kind, and a unit's level."""

    kind: NodeKind
    level: Level | None = None

    @property
    def label(self) -> str:
        """The Neo4j label (a unit's is its level's), as store errors name what an id is."""
        return self.level.label if self.level is not None else _LABELS[self.kind]

    @property
    def english(self) -> str:
        """The word for it in an organiser's message (the importer's)."""
        return self.level.english if self.level is not None else _ENGLISH[self.kind]

    def __str__(self) -> str:
        return self.english


A_HOUSEHOLD = What(NodeKind.HOUSEHOLD)
A_MEMBER = What(NodeKind.MEMBER)
A_WORK_UNIT = What(NodeKind.WORK_UNIT)
A_POINTS_ENTRY = What(NodeKind.POINTS)
AN_OTHER_NODE = What(NodeKind.OTHER)
A_UNIT_AT: dict[Level, What] = {
    level: What(NodeKind.UNIT, level) for level in Level if level is not Level.HOUSEHOLD
}
"""Made once: checks ask what an id names several hundred thousand times per import."""


def unit_at(level: Level) -> What:
    """A unit of `level`; a household for Level.HOUSEHOLD (households are the chain's leaves)."""
    return A_HOUSEHOLD if level is Level.HOUSEHOLD else A_UNIT_AT[level]


def what_of(node: Node) -> What:
    """What a stored node is."""
    if isinstance(node, Unit):
        return A_UNIT_AT[node.level]
    if isinstance(node, Household):
        return A_HOUSEHOLD
    if isinstance(node, Member):
        return A_MEMBER
    return A_WORK_UNIT
