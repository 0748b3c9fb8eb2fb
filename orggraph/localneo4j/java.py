"""Find the Java and Maven to use, and build the environment and class path Neo4j runs with.

Neo4j's launcher and admin tool are plain Java classes run from the instance's ``lib``, so
everything needed to run them is here: a ``java`` checked to be new enough (an older one fails
later with an obscure error buried in a log), Maven for the one-time assembly, and an environment
from which inherited settings that would override neo4j.conf are removed.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.versions import MIN_JAVA_MAJOR, NEO4J_VERSION

_LAUNCHER_CLASS = "org.neo4j.server.startup.Neo4jBoot"
_ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminBoot"


@functools.cache
def _java_major_version(java: str) -> int:
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalNeo4jError(f"could not run {java} -version: {exc}") from exc
    output = result.stderr + result.stdout
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if result.returncode != 0 or not match:
        raise LocalNeo4jError(f"could not tell the Java version from `{java} -version`:\n{output}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392" style
        major = int(match.group(2))
    return major


def java_executable() -> Path:
    """The ``java`` to run Neo4j with: ``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else PATH's.

    Checked to be Java 17 or newer, because an older Java fails later with an obscure
    UnsupportedClassVersionError buried in a log.
    """
    java_home = os.environ.get("JAVA_HOME", "").strip()
    if java_home:
        java = Path(java_home) / "bin" / "java"
        if not (java.is_file() and os.access(java, os.X_OK)):
            raise LocalNeo4jError(
                f"JAVA_HOME is set to {java_home} but there is no bin/java in it; "
                "point JAVA_HOME at a Java 17 installation or unset it to use `java` from PATH"
            )
    else:
        found = shutil.which("java")
        if not found:
            raise LocalNeo4jError(
                f"Java {MIN_JAVA_MAJOR} or newer is needed to run Neo4j {NEO4J_VERSION}, but "
                "`java` is not on PATH and JAVA_HOME is not set "
                "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
            )
        java = Path(found)
    major = _java_major_version(str(java))
    if major < MIN_JAVA_MAJOR:
        raise LocalNeo4jError(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA_MAJOR} or newer, but {java} is Java "
            f"{major}; install Java 17 and put it on PATH or set JAVA_HOME"
        )
    return java


def _mvn_executable() -> str:
    found = shutil.which("mvn")
    if not found:
        raise LocalNeo4jError(
            f"Maven (`mvn`) is needed once, to fetch Neo4j {NEO4J_VERSION}'s jars from Maven "
            "Central, but it is not on PATH (Debian/Ubuntu: apt-get install maven)"
        )
    return found


def _launcher_env(home: Path, java: Path) -> dict[str, str]:
    """The environment for Neo4j's launcher and admin tool.

    NEO4J_HOME/NEO4J_CONF tell them where the instance is. Inherited NEO4J_* variables (orggraph's
    own NEO4J_URI and NEO4J_PASSWORD among them) and HEAP_SIZE/JAVA_OPTS, which the launcher reads
    and which would override the heap written in neo4j.conf, are dropped so that neo4j.conf alone
    decides. JAVA_HOME is pinned to the Java that was checked, so the server runs on that one too.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("NEO4J_") and key not in ("HEAP_SIZE", "JAVA_OPTS")
    }
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    env.setdefault("JAVA_HOME", str(java.resolve().parent.parent))
    return env


def _class_path(home: Path) -> str:
    return f"{home / 'lib'}/*"
