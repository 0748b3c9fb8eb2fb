"""What is run: the Neo4j and Neo4j Browser releases, the Java they need, and their one user.

Pinned in one place because they decide more than one thing: the cache folder's name (a version
bump gets a fresh folder, never a mix of jars), the Maven properties the assembly passes, the
jars it checks for, and the Java it accepts. pom.xml's defaults must equal these (a unit test
checks that).
"""

from __future__ import annotations

NEO4J_VERSION = "5.26.30"
"""The Neo4j server version assembled; 5.26 is the LTS line that still runs on Java 17."""

BROWSER_VERSION = "5.24.0"
"""The Neo4j Browser version served at /browser/ (the newest published to Maven Central)."""

NEO4J_USER = "neo4j"
"""The only user a fresh Community server has; its password comes from the settings."""

MIN_JAVA_MAJOR = 17
"""Neo4j 5.26 needs Java 17 or 21."""
