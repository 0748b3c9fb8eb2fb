"""The embedded store: the graph in this process, durable through a journal on disk."""

from orggraph.store.memory.store import MemoryStore

__all__ = ["MemoryStore"]
