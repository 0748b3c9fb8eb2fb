"""Start, stop and report on a local Neo4j 5.26 Community server: the lifecycle callers use.

`start` is the one place that puts the steps in order, under the instance's lock so two
concurrent starts cannot launch two servers on one home: check the ports, find Java, assemble the
jars once (assembly.py), write the instance home and Browser (instance.py), then launch and wait
until a Bolt query succeeds (process.py). `status` changes nothing and starts no Java, so scripts
and tests can call it freely; `stop` never assembles or downloads anything.

Everything that can go wrong raises ``LocalNeo4jError`` with a message meant for a person: which
tool is missing, which port is taken, and the tail of Neo4j's own log when the server fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.domain.policy import Policy
from orggraph.localneo4j.assembly import assemble
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.instance import (
    _install_browser_extras,
    _set_initial_password,
    prepare_instance,
)
from orggraph.localneo4j.java import java_executable
from orggraph.localneo4j.lock import _locked
from orggraph.localneo4j.logs import _log_sizes, _say
from orggraph.localneo4j.paths import _pid_file, http_url, instance_home
from orggraph.localneo4j.process import (
    _check_ports_free,
    _launch,
    _live_pid,
    _port_answers,
    _stop_after_failed_start,
    _stop_process,
    _wait_until_ready,
)
from orggraph.localneo4j.validate import _validate
from orggraph.localneo4j.versions import NEO4J_USER, NEO4J_VERSION

# The lifecycle, plus what its callers need beside it: the error it raises, and the version and
# user to tell a person about (orggraph/cli/neo4j.py uses them as ``server.<name>``).
__all__ = [
    "NEO4J_USER",
    "NEO4J_VERSION",
    "LocalNeo4jError",
    "ServerStatus",
    "start",
    "status",
    "stop",
]


@dataclass(frozen=True)
class ServerStatus:
    """What `status` found: whether the instance answers, and where to reach it."""

    running: bool
    """True when the instance's server process is alive AND its Bolt port accepts connections."""
    pid: int | None
    """The server's process id when the process is alive (even if Bolt does not answer yet)."""
    bolt_uri: str
    http_url: str
    """The HTTP root, e.g. http://127.0.0.1:7474 (no trailing slash)."""
    home: Path
    """The instance's Neo4j home folder (conf/, data/, logs/, run/)."""

    @property
    def browser_url(self) -> str:
        """Neo4j Browser, served by the server itself on the HTTP port."""
        return f"{self.http_url}/browser/"


def status(settings: LocalNeo4jSettings) -> ServerStatus:
    """Report on the instance without changing anything (and without starting Java).

    Reads the pid file the launcher writes and probes the Bolt port, so it is quick enough for
    scripts and tests to call freely.
    """
    home = instance_home(settings)
    pid = _live_pid(home)
    return ServerStatus(
        running=pid is not None and _port_answers(settings.bolt_port),
        pid=pid,
        bolt_uri=settings.bolt_uri,
        http_url=http_url(settings),
        home=home,
    )


def start(settings: LocalNeo4jSettings, policy: Policy | None = None) -> ServerStatus:
    """Start the instance and return once a Bolt query succeeds; harmless if already running.

    Assembles the jars first if needed, rewrites neo4j.conf, writes Neo4j Browser with
    orggraph's guide and style (its queries' parameters set from `policy`), sets the initial
    password before the first start, refuses clearly when another program holds a port, and
    starts the server in a session of its own so it outlives this process. If the server dies
    or does not answer within ``settings.start_timeout_s``, it is stopped again and the error
    carries the end of Neo4j's log.
    """
    _validate(settings)
    home = instance_home(settings)
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home / ".lock"):
        current = status(settings)
        if current.running:
            _say(f"Neo4j (instance {settings.instance!r}) is already running at pid {current.pid}.")
            return current
        deadline = time.monotonic() + settings.start_timeout_s
        if current.pid is not None:
            # Alive but Bolt is silent: still starting (or stopping). Launching a second server
            # on the same home would fail on its store lock, so wait for this one instead.
            _say(
                f"Neo4j (instance {settings.instance!r}) process {current.pid} is alive but Bolt "
                f"port {settings.bolt_port} does not answer yet; waiting for it..."
            )
            _wait_until_ready(settings, home, deadline, launched=False)
            return status(settings)

        _check_ports_free(settings)
        java = java_executable()
        assemble(settings)
        prepare_instance(settings)
        _install_browser_extras(settings, home, policy or Policy())
        _set_initial_password(settings, home, java)
        _pid_file(home).unlink(missing_ok=True)  # stale: its process is gone
        _say(
            f"Starting Neo4j {NEO4J_VERSION} (instance {settings.instance!r}, "
            f"Bolt port {settings.bolt_port}, HTTP port {settings.http_port})..."
        )
        began = time.monotonic()
        log_sizes = _log_sizes(home)
        try:
            _launch(settings, home, java, deadline, log_sizes)
            _wait_until_ready(settings, home, deadline, launched=True, since=log_sizes)
        except BaseException:
            _stop_after_failed_start(home, java)
            raise
        result = status(settings)
        _say(f"Neo4j is up at pid {result.pid} after {time.monotonic() - began:.1f} s.")
        return result


def stop(settings: LocalNeo4jSettings) -> ServerStatus:
    """Stop the instance cleanly and wait until the process is gone; harmless when not running.

    Never assembles or downloads anything: with no jars there can be no server to stop.
    """
    home = instance_home(settings)
    if not home.is_dir():
        _say(f"Neo4j (instance {settings.instance!r}) is not running.")
        return status(settings)
    with _locked(home / ".lock"):
        pid = _live_pid(home)
        if pid is None:
            _pid_file(home).unlink(missing_ok=True)
            _say(f"Neo4j (instance {settings.instance!r}) is not running.")
            return status(settings)
        try:
            java: Path | None = java_executable()
        except LocalNeo4jError:
            java = None  # fall back to SIGTERM
        _say(f"Stopping Neo4j (instance {settings.instance!r}, pid {pid})...")
        began = time.monotonic()
        _stop_process(home, pid, java)
        _pid_file(home).unlink(missing_ok=True)
        _say(f"Stopped after {time.monotonic() - began:.1f} s.")
        return status(settings)
