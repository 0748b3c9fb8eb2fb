"""Resolvers that answer at once when the value is already loaded.

graphql-core awaits whatever a resolver returns that is awaitable and takes anything else as
the value. An `async def` resolver always costs a coroutine, and graphql-core runs the ones
inside a list as tasks: once a look-ahead read has primed the loaders (`prefetch`), that is
most of what each object of a tree costs. A resolver written with `loaded_or_later` answers
from the loader's finished future at once, and hands back an awaitable only when the value
must still be read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar, cast

from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")


def loaded_or_later(
    loader: DataLoader[K, T],
    key: K,
    convert: Callable[[T], R],
    read: Callable[[], Awaitable[T]] | None = None,
) -> R:
    """`convert` of the loaded value for `key`, at once if `loader` holds it; otherwise an
    awaitable of it (typed as the value: graphql-core awaits it), reading with `read` (by
    default the loader itself)."""
    future = loader.cache_map.get(key)
    if (
        future is not None
        and future.done()
        and not future.cancelled()
        and future.exception() is None
    ):
        return convert(future.result())
    reading = read() if read is not None else loader.load(key)
    return cast(R, _converted(reading, convert))


async def _converted(reading: Awaitable[T], convert: Callable[[T], R]) -> R:
    return convert(await reading)
