"""A local Neo4j 5.26 server for development and tests, assembled from Maven Central's jars.

Docker is not available everywhere orggraph is developed, and Maven Central has every Neo4j jar
but no tarball, so `orggraph neo4j start` builds a Neo4j home from those jars in a cache folder and
runs it on loopback only. See server.py for the how and why.
"""

from orggraph.localneo4j.server import (
    BROWSER_VERSION,
    NEO4J_USER,
    NEO4J_VERSION,
    LocalNeo4jError,
    ServerStatus,
    assemble,
    instance_home,
    prepare_instance,
    start,
    status,
    stop,
)

__all__ = [
    "BROWSER_VERSION",
    "NEO4J_USER",
    "NEO4J_VERSION",
    "LocalNeo4jError",
    "ServerStatus",
    "assemble",
    "instance_home",
    "prepare_instance",
    "start",
    "status",
    "stop",
]
