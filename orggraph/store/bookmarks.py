"""Read-your-writes across replicas: a client that wrote through one replica and reads
through another can carry the write's Neo4j bookmarks, and the read waits for them.

On one Neo4j server every committed write is seen by the next read anyway; in a cluster a
read may reach a member that has not applied the write yet, and a bookmark makes it wait
until it has. The API takes the bookmarks a request carries (`X-Orggraph-Bookmark`) into a
context variable for the request; the Neo4j connection opens every session with them and
adds the bookmarks of each write it commits, which the API sends back in the same header.
The embedded store has one process and ignores them.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field

MAX_BOOKMARKS = 16
MAX_BOOKMARK_LENGTH = 256


@dataclass
class CausalChain:
    """One request's bookmarks: those it arrived with, and those its own writes made."""

    carried: frozenset[str] = frozenset()
    made: set[str] = field(default_factory=set)

    def wanted(self) -> list[str]:
        """What a session of this request must have seen."""
        return sorted(self.carried | self.made)


CHAIN: ContextVar[CausalChain | None] = ContextVar("orggraph_causal_chain", default=None)


def parse_header(value: bytes | None) -> frozenset[str]:
    """The bookmarks in a header value (comma-separated); malformed ones are left out."""
    if not value:
        return frozenset()
    found = (part.strip() for part in value.decode("latin-1").split(","))
    usable = [part for part in found if 0 < len(part) <= MAX_BOOKMARK_LENGTH and part.isprintable()]
    return frozenset(usable[:MAX_BOOKMARKS])


def begin(carried: frozenset[str]) -> tuple[CausalChain, Token[CausalChain | None]]:
    """Start a request's chain (reset the token when the request ends)."""
    chain = CausalChain(carried)
    return chain, CHAIN.set(chain)
