"""Plausible Chinese names, addresses and clearly fake phone numbers for a synthetic city.

Phone numbers all start `100-`: Chinese mobile numbers start 13-19 and no landline looks like
this, so a generated number can never reach a real person, yet it has the usual 3-4-4 shape.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from orggraph.seed.profile import Names

FAKE_PHONE_PREFIX = "100"


def unique_names(
    rng: random.Random, stems: Sequence[str], count: int, repeat: str, in_order: bool = False
) -> list[str]:
    """`count` distinct names drawn from `stems`; past the list, `repeat` numbers them.

    `repeat` is a format with `{name}` and `{n}`, e.g. `{name}{n}期` for a compound's phase 2:
    a scaled-up city keeps plausible names instead of failing for lack of words. With
    `in_order` the stems are taken as listed (real street names first), otherwise shuffled.
    """
    shuffled = list(stems)
    if not in_order:
        rng.shuffle(shuffled)
    names = shuffled[:count]
    for n in itertools.count(2):
        if len(names) >= count:
            break
        names.extend(repeat.format(name=stem, n=n) for stem in shuffled[: count - len(names)])
    return names


def combine(words: Sequence[str], suffixes: Sequence[str]) -> list[str]:
    """Every word with every suffix (`章华` x `路` -> `章华路`), in list order."""
    return [word + suffix for word in words for suffix in suffixes]


class People:
    """Draws people's names and phone numbers; surnames weighted by their place in the list."""

    def __init__(self, rng: random.Random, names: Names) -> None:
        self._rng = rng
        self._surnames = names.surnames
        self._cumulative = list(
            itertools.accumulate(1 / (rank + 8) for rank in range(len(names.surnames)))
        )
        self._given = names.given_chars

    def name(self) -> str:
        surname = self._rng.choices(self._surnames, cum_weights=self._cumulative)[0]
        length = 1 if self._rng.random() < 0.3 else 2
        return surname + "".join(self._rng.choice(self._given) for _ in range(length))

    def phone(self) -> str:
        digits = self._rng.randrange(100_000_000)
        return f"{FAKE_PHONE_PREFIX}-{digits // 10_000:04d}-{digits % 10_000:04d}"


def branch_name(compound: str) -> str:
    """小区党支部 of a compound, without doubling 小区 when the compound's name ends in it."""
    return f"{compound}党支部" if compound.endswith("小区") else f"{compound}小区党支部"


def flat(entrance: int, floor: int, door: int) -> str:
    """An address inside a building: entrance 2, floor 5, door 1 -> `2单元501室`."""
    return f"{entrance}单元{floor}{door:02d}室"
