"""Splitting exact totals into varied parts: how the generator keeps the document's figures.

Every count the document gives is a total over a level (3,192 building groups over 508
branches, 113,986 households over 9,166 cadres). These helpers split such a total into parts
that vary like real ones yet add up exactly, deterministically for a given `random.Random`.
"""

from __future__ import annotations

import random


def spread(
    rng: random.Random, total: int, parts: int, minimum: int = 1, vary: float = 0.6
) -> list[int]:
    """`parts` counts, each at least `minimum`, adding up to exactly `total`.

    Each part gets `minimum` plus a share of the rest proportional to a random weight in
    `1 ± vary`; rounding leftovers go to the largest remainders, ties to the earlier part.
    """
    if parts == 0:
        if total:
            raise ValueError(f"cannot spread {total} over no parts")
        return []
    free = total - minimum * parts
    if free < 0:
        raise ValueError(f"cannot spread {total} over {parts} parts of at least {minimum}")
    weights = [rng.uniform(1 - vary, 1 + vary) for _ in range(parts)]
    scale = free / sum(weights)
    raw = [weight * scale for weight in weights]
    counts = [int(value) for value in raw]
    leftover = free - sum(counts)
    by_remainder = sorted(range(parts), key=lambda i: (counts[i] - raw[i], i))
    for index in by_remainder[:leftover]:
        counts[index] += 1
    return [count + minimum for count in counts]


def spread_with_empties(
    rng: random.Random, total: int, parts: int, empty_share: float, minimum: int = 1
) -> list[int]:
    """Like `spread`, but `round(empty_share * parts)` random parts get nothing.

    The total still holds: the empty parts' share goes to the others. This is how a gap
    (a branch without building groups, say) is injected without changing any figure.
    """
    empties = min(round(empty_share * parts), parts - 1) if parts else 0
    if empties > 0 and (parts - empties) * minimum > total:
        empties = 0
    empty = set(rng.sample(range(parts), empties)) if empties > 0 else set()
    filled = iter(spread(rng, total, parts - len(empty), minimum))
    return [0 if index in empty else next(filled) for index in range(parts)]


def sizes_in_ranges(rng: random.Random, total: int, ranges: list[tuple[int, int]]) -> list[int]:
    """One size per range, each within its own range, adding up to exactly `total`.

    Sizes start uniform in their range and are then nudged one at a time, at random, towards
    the total. This gives each covering cadre 10-15 households while 9,166 of them cover
    exactly 113,986.
    """
    low = sum(lo for lo, _ in ranges)
    high = sum(hi for _, hi in ranges)
    if not low <= total <= high:
        raise ValueError(f"{total} cannot be split into {len(ranges)} sizes within their ranges")
    sizes = [rng.randint(lo, hi) for lo, hi in ranges]
    gap = total - sum(sizes)
    step = 1 if gap > 0 else -1
    movable = [
        i for i, (lo, hi) in enumerate(ranges) if (sizes[i] < hi if step > 0 else sizes[i] > lo)
    ]
    while gap:
        pick = rng.randrange(len(movable))
        index = movable[pick]
        sizes[index] += step
        gap -= step
        lo, hi = ranges[index]
        if sizes[index] == (hi if step > 0 else lo):
            movable[pick] = movable[-1]
            movable.pop()
    return sizes
