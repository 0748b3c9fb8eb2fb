"""each_in_flight: at most `jobs` calls at once, every result handed over, and after an error
nothing new is started and the error comes out once the calls in flight have ended."""

from __future__ import annotations

import asyncio

import pytest

from orggraph.importer.in_flight import each_in_flight


async def test_every_item_is_called_once_with_at_most_jobs_at_a_time() -> None:
    running = peak = 0
    seen: dict[int, int] = {}

    async def square(item: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (item % 3))
        running -= 1
        return item * item

    await each_in_flight(range(20), square, 3, seen.__setitem__)
    assert seen == {item: item * item for item in range(20)}
    assert peak == 3


async def test_after_an_error_nothing_new_starts_and_the_error_comes_out_last() -> None:
    started: list[int] = []
    finished: list[int] = []

    async def call(item: int) -> int:
        started.append(item)
        if item == 3:
            raise ValueError("batch 3 refused")
        await asyncio.sleep(0.01)  # the other call is still in flight when 3 fails
        finished.append(item)
        return item

    with pytest.raises(ValueError, match="batch 3 refused"):
        await each_in_flight(range(10), call, 2, lambda item, result: None)
    assert started == [0, 1, 2, 3]
    assert finished == [0, 1, 2]  # 2 was in flight when 3 failed, and was let finish
