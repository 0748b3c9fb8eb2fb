"""Personal fields hidden from callers whose role may not see them (dashboards).

Pure functions of a value and whether the caller sees personal data: resident names,
addresses and phone numbers of households, and cadres' phone numbers, become `MASK`.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from orggraph.domain.entities import Coverage, Household, Member
from orggraph.domain.gaps import Gap, GapKind

MASK = "***"

T = TypeVar("T")


def mask_node(node: T, sees_personal_data: bool) -> T:
    """A household or cadre with its personal fields masked; anything else as it is."""
    if sees_personal_data:
        return node
    if isinstance(node, Household):
        return dataclasses.replace(node, name=MASK, address=MASK, phone=MASK)
    if isinstance(node, Member):
        return dataclasses.replace(node, phone=MASK)
    return node


def mask_coverage(row: Coverage, sees_personal_data: bool) -> Coverage:
    """Both ends of an assignment masked."""
    if sees_personal_data:
        return row
    return Coverage(
        mask_node(row.member, False), mask_node(row.household, False), row.mode, row.since
    )


def mask_gap(gap: Gap, sees_personal_data: bool) -> Gap:
    """A gap about a household names a resident: mask the name (and the household it
    carries, as a node read would be); a cadre it carries loses their phone number."""
    if sees_personal_data:
        return gap
    subject = mask_node(gap.subject, False)
    if gap.kind is not GapKind.UNCOVERED_HOUSEHOLD:
        return gap if subject is gap.subject else dataclasses.replace(gap, subject=subject)
    return dataclasses.replace(gap, subject_name=MASK, subject=subject)
