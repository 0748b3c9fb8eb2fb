"""Put Neo4j's jars into the cache folder, once, from Maven Central.

Maven Central publishes every Neo4j jar but no tarball, and Docker is not available everywhere
orggraph is developed. So the first start runs Maven once (pom.xml beside this file) to copy the
server, its launcher and Neo4j Browser into ``<cache_dir>/neo4j-<version>/lib``; a marker file
written after a complete copy makes every later start skip Maven entirely. The copy goes to a
temporary sibling folder renamed into place only once checked, so an interrupted download never
leaves a half ``lib`` that would be taken for a complete one.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.java import _mvn_executable, java_executable
from orggraph.localneo4j.lock import _locked
from orggraph.localneo4j.logs import _say
from orggraph.localneo4j.paths import _LIB_MARKER, lib_dir, version_dir
from orggraph.localneo4j.versions import BROWSER_VERSION, NEO4J_VERSION

_MVN_TIMEOUT_S = 1800


def _expected_jars() -> list[str]:
    return [
        f"neo4j-server-{NEO4J_VERSION}.jar",
        f"neo4j-bootcheck-{NEO4J_VERSION}.jar",
        f"neo4j-browser-{BROWSER_VERSION}.jar",
    ]


def is_assembled(settings: LocalNeo4jSettings) -> bool:
    """Whether the jars are in place (the marker is written only after a complete copy)."""
    return (lib_dir(settings) / _LIB_MARKER).is_file()


def assemble(settings: LocalNeo4jSettings) -> Path:
    """Make sure ``<cache_dir>/neo4j-<version>/lib`` holds a complete set of Neo4j's jars.

    Runs Maven only when the completion marker is absent, so every start after the first
    downloads nothing. Maven copies into a temporary sibling folder that is renamed into place
    only after the copy succeeded and was checked, so an interrupted download (Ctrl-C, lost
    network) never leaves a half ``lib`` that would be taken for a complete one. Returns the
    ``lib`` folder.
    """
    target = lib_dir(settings)
    if is_assembled(settings):
        return target
    folder = version_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".assemble.lock"):
        if is_assembled(settings):  # another process finished it while we waited for the lock
            return target
        mvn = _mvn_executable()
        java_executable()  # Maven needs a JDK/JRE too; fail with the clearer message first
        _say(f"Assembling Neo4j {NEO4J_VERSION} from Maven Central (first run, ~140 MB)...")
        pom = folder / "pom.xml"
        pom.write_bytes(
            importlib.resources.files("orggraph.localneo4j").joinpath("pom.xml").read_bytes()
        )
        for stale in folder.glob("lib.partial-*"):  # left by an interrupted earlier run
            shutil.rmtree(stale, ignore_errors=True)
        partial = folder / f"lib.partial-{os.getpid()}"
        began = time.monotonic()
        try:
            _run_maven(mvn, pom, partial)
            jars = sorted(partial.glob("*.jar"))
            missing = [name for name in _expected_jars() if not (partial / name).is_file()]
            if missing:
                raise LocalNeo4jError(
                    f"Maven finished but {', '.join(missing)} did not arrive in {partial}; "
                    "the assembly is incomplete"
                )
            (partial / _LIB_MARKER).write_text(
                json.dumps(
                    {
                        "neo4j": NEO4J_VERSION,
                        "browser": BROWSER_VERSION,
                        "jars": len(jars),
                        "assembled_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    },
                    indent=2,
                )
                + "\n"
            )
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.exists():  # an unmarked leftover, e.g. copied by hand
                shutil.rmtree(target)
            partial.rename(target)
        finally:
            if partial.exists():
                shutil.rmtree(partial, ignore_errors=True)
        _say(f"Assembled {len(jars)} jars in {time.monotonic() - began:.0f} s into {target}")
    return target


def _run_maven(mvn: str, pom: Path, output_dir: Path) -> None:
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        "package",
        f"-DlibDir={output_dir}",
        f"-Dneo4j.version={NEO4J_VERSION}",
        f"-Dneo4j.browser.version={BROWSER_VERSION}",
    ]
    try:
        result = subprocess.run(
            command,
            cwd=pom.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=_MVN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LocalNeo4jError(
            f"Maven did not finish assembling Neo4j within {_MVN_TIMEOUT_S} s"
        ) from exc
    except OSError as exc:
        raise LocalNeo4jError(f"could not run Maven ({mvn}): {exc}") from exc
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-40:])
        raise LocalNeo4jError(
            f"Maven failed (exit {result.returncode}) assembling Neo4j {NEO4J_VERSION} from "
            f"Maven Central with {pom}; the end of its output:\n{tail}"
        )
