"""The one exception the local Neo4j raises, in a module of its own.

Every step (paths, Java, assembly, the instance home, processes) can fail, and each fails the
same way: with a message for a person at a terminal, saying which tool is missing, which port is
taken, or what Neo4j's own log says. One type that depends on nothing lets all of those modules
raise it without importing one another, and lets callers catch a single thing.
"""

from __future__ import annotations


class LocalNeo4jError(RuntimeError):
    """Anything that stops the local Neo4j from being assembled, started or stopped.

    The message is written for a person at a terminal; the CLI prints it without a traceback.
    """
