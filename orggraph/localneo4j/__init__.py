"""A local Neo4j 5.26 server for development and tests, assembled from Maven Central's jars.

Docker is not available everywhere orggraph is developed, and Maven Central has every Neo4j jar
but no tarball, so `orggraph neo4j start` builds a Neo4j home from those jars in a cache folder and
runs it on loopback only. server.py holds the lifecycle (status, start, stop); each step it runs
has a module of its own that says how and why: paths.py (where things live), java.py (Java,
Maven and the launcher's environment), assembly.py (the jars, fetched once), instance.py
(neo4j.conf, Browser, the initial password), process.py (pids, ports, launching and stopping),
with validate.py, lock.py, logs.py, errors.py and versions.py as the small pieces they share.
"""

from orggraph.localneo4j.assembly import assemble
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.instance import prepare_instance
from orggraph.localneo4j.paths import instance_home
from orggraph.localneo4j.server import ServerStatus, start, status, stop
from orggraph.localneo4j.versions import BROWSER_VERSION, NEO4J_USER, NEO4J_VERSION

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
