"""The Neo4j store: the system of record, spoken to through named Cypher only."""

from orggraph.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
