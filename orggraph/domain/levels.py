"""The five levels of the organisation chain (docs/domain.md#the-chain; source 三(三)1).

Each level sits under exactly one parent of the level directly above it; a street has no
parent. The Neo4j label of each level is its `label`, so Cypher and code name levels alike.
"""

from __future__ import annotations

from enum import Enum


class Level(Enum):
    """A level of the chain; the value is its depth (street = 1, household = 5)."""

    STREET = 1
    COMMUNITY = 2
    BRANCH = 3
    BUILDING = 4
    HOUSEHOLD = 5

    @property
    def label(self) -> str:
        """The Neo4j label (and the type name in the API)."""
        return _LABELS[self]

    @property
    def chinese(self) -> str:
        """The document's own term for the level."""
        return _CHINESE[self]

    @property
    def english(self) -> str:
        return _ENGLISH[self]

    @property
    def parent_level(self) -> Level | None:
        """The level a unit of this level must hang under; None for a street."""
        return _PARENT_LEVELS[self]

    @property
    def child_level(self) -> Level | None:
        return None if self is Level.HOUSEHOLD else Level(self.value + 1)

    @classmethod
    def from_label(cls, label: str) -> Level:
        """The level whose label, enum name or Chinese term is `label` (case-insensitive)."""
        wanted = label.strip()
        for level in cls:
            if (
                wanted.lower() in (level.label.lower(), level.name.lower())
                or wanted == level.chinese
            ):
                return level
        names = ", ".join(level.label for level in cls)
        raise ValueError(f"unknown level {label!r}; expected one of {names}")


_LABELS = {
    Level.STREET: "StreetCommittee",
    Level.COMMUNITY: "CommunityCommittee",
    Level.BRANCH: "ResidentialBranch",
    Level.BUILDING: "BuildingGroup",
    Level.HOUSEHOLD: "Household",
}
_CHINESE = {
    Level.STREET: "街道大工委",
    Level.COMMUNITY: "社区大党委",
    Level.BRANCH: "小区党支部",
    Level.BUILDING: "楼栋党小组",
    Level.HOUSEHOLD: "户",
}
_ENGLISH = {
    Level.STREET: "street working committee",
    Level.COMMUNITY: "community party committee",
    Level.BRANCH: "residential branch",
    Level.BUILDING: "building group",
    Level.HOUSEHOLD: "household",
}

_PARENT_LEVELS = {level: Level(level.value - 1) if level.value > 1 else None for level in Level}
"""Made once: the write rules ask it of every row of an import."""

UNIT_LEVELS: tuple[Level, ...] = (Level.STREET, Level.COMMUNITY, Level.BRANCH, Level.BUILDING)
"""The levels that are organisations (they have children); households are the leaves."""
