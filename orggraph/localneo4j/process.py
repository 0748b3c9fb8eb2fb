"""The server as an operating-system process: pids, ports, launching, waiting and stopping.

The server is started in a session of its own (``start_new_session``): it must outlive the
command that started it, and a test runner's teardown or a timeout wrapper that kills its own
process group must not take the database down by accident. "Ready" means an actual Bolt query
(``RETURN 1``) succeeded with the configured password, not merely that the launcher returned or
the port accepts TCP, so callers can use the server as soon as a start returns. A pid file alone
is not trusted either: the process behind it must be alive, not a zombie, and Neo4j. A start that
fails stops what it launched, so no half-started server is left holding the ports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.java import _LAUNCHER_CLASS, _class_path, _launcher_env
from orggraph.localneo4j.logs import _failure_report, _say
from orggraph.localneo4j.paths import _LIB_MARKER, LOOPBACK, _launcher_output, _pid_file
from orggraph.localneo4j.versions import NEO4J_USER

_STOP_TIMEOUT_S = 180
_POLL_INTERVAL_S = 0.5


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live Neo4j process (not a zombie, not a recycled pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return b"neo4j" in (proc / "cmdline").read_bytes()
    except (OSError, IndexError):
        return True  # no /proc (not Linux): trust kill(0)


def _read_pid(home: Path) -> int | None:
    try:
        return int(_pid_file(home).read_text().strip())
    except (OSError, ValueError):
        return None


def _live_pid(home: Path) -> int | None:
    """The pid from the instance's pid file if that process is alive, else None."""
    pid = _read_pid(home)
    return pid if pid is not None and _pid_alive(pid) else None


def _port_answers(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout):
            return True
    except OSError:
        return False


def _port_in_use(port: int) -> bool:
    """Whether something already listens on the port on loopback (or on all interfaces).

    Binding is the honest test; SO_REUSEADDR, as Neo4j's own sockets use, keeps a connection
    lingering in TIME_WAIT from a previous run from counting as "in use".
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return True
    return False


def _check_ports_free(settings: LocalNeo4jSettings) -> None:
    for label, port, option, env_name in (
        ("Bolt", settings.bolt_port, "--bolt-port", "ORGGRAPH_NEO4J_BOLT_PORT"),
        ("HTTP", settings.http_port, "--http-port", "ORGGRAPH_NEO4J_HTTP_PORT"),
    ):
        if _port_in_use(port):
            raise LocalNeo4jError(
                f"{label} port {port} on {LOOPBACK} is already in use by another program, so "
                f"Neo4j (instance {settings.instance!r}) cannot listen there. Stop that program "
                f"or choose another port ({option} or {env_name})."
            )


def _bolt_query_error(settings: LocalNeo4jSettings, home: Path) -> str | None:
    """Run ``RETURN 1`` over Bolt as user neo4j; None when it worked, else why not (yet).

    A refused password is final, not "not ready yet", and raises: retrying would only run into
    Neo4j's lock-out after repeated failed logins.
    """
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    try:
        with (
            GraphDatabase.driver(
                settings.bolt_uri,
                auth=(NEO4J_USER, settings.password),
                connection_timeout=3.0,
                connection_acquisition_timeout=5.0,
                max_connection_pool_size=1,
            ) as driver,
            driver.session(database="neo4j") as session,
        ):
            record = session.run("RETURN 1 AS one").single(strict=True)
            if record["one"] != 1:
                return f"RETURN 1 answered {record['one']!r}"
    except AuthError as exc:
        raise LocalNeo4jError(
            f"Neo4j (instance {settings.instance!r}) refused user {NEO4J_USER!r} with the "
            f"configured password: {exc}. The password was fixed on the instance's first "
            f"start; set NEO4J_PASSWORD to that value, or delete {home} (with the server "
            "stopped) to start over with an empty database."
        ) from exc
    except (DriverError, Neo4jError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _launch(
    settings: LocalNeo4jSettings,
    home: Path,
    java: Path,
    deadline: float,
    since: Mapping[str, int],
) -> None:
    """Run the launcher's ``start``, which forks the server and returns.

    Its output goes to a file, not a pipe: the server it forks may inherit the descriptor, and a
    pipe would then never reach end-of-file. ``start_new_session`` puts launcher and server in a
    session of their own.
    """
    output = _launcher_output(home)
    with output.open("w") as sink:
        try:
            launcher = subprocess.Popen(
                [str(java), "-cp", _class_path(home), _LAUNCHER_CLASS, "start"],
                cwd=home,
                env=_launcher_env(home, java),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise LocalNeo4jError(f"could not run Neo4j's launcher with {java}: {exc}") from exc
    try:
        code = launcher.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        launcher.kill()
        launcher.wait()
        raise LocalNeo4jError(
            _failure_report(
                home,
                f"Neo4j's launcher did not return within the start timeout of "
                f"{settings.start_timeout_s} s (--timeout, ORGGRAPH_NEO4J_START_TIMEOUT).",
                since,
            )
        ) from None
    if code != 0:
        raise LocalNeo4jError(
            _failure_report(
                home, f"Neo4j's launcher failed to start the server (exit {code}).", since
            )
        )


def _wait_until_ready(
    settings: LocalNeo4jSettings,
    home: Path,
    deadline: float,
    *,
    launched: bool,
    since: Mapping[str, int] | None = None,
) -> None:
    """Poll until the process is alive, the Bolt port accepts TCP and ``RETURN 1`` succeeds."""
    why = f"Bolt port {settings.bolt_port} is not accepting connections"
    while True:
        if _live_pid(home) is None:
            raise LocalNeo4jError(
                _failure_report(home, "The Neo4j server process exited while starting.", since)
            )
        if _port_answers(settings.bolt_port):
            error = _bolt_query_error(settings, home)
            if error is None:
                return
            why = f"a Bolt query failed: {error}"
        if time.monotonic() >= deadline:
            hint = "" if launched else " Stop it with `orggraph neo4j stop` and start again."
            raise LocalNeo4jError(
                _failure_report(
                    home,
                    f"Neo4j did not answer within {settings.start_timeout_s} s "
                    f"(--timeout, ORGGRAPH_NEO4J_START_TIMEOUT); last problem: {why}.{hint}",
                    since,
                )
            )
        time.sleep(_POLL_INTERVAL_S)


def _stop_after_failed_start(home: Path, java: Path) -> None:
    """Best effort: a start that failed should not leave a half-started server holding ports."""
    pid = _live_pid(home)
    if pid is None:
        return
    _say(f"Stopping the Neo4j process {pid} that failed to start...")
    with contextlib.suppress(LocalNeo4jError, OSError):
        _stop_process(home, pid, java)


def _stop_process(home: Path, pid: int, java: Path | None) -> None:
    """Stop cleanly through the launcher (it waits for the checkpoint); SIGTERM as a fallback,
    which Neo4j also answers with a clean shutdown."""
    if java is not None and (home / "lib" / _LIB_MARKER).is_file():
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            subprocess.run(
                [str(java), "-cp", _class_path(home), _LAUNCHER_CLASS, "stop"],
                cwd=home,
                env=_launcher_env(home, java),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=_STOP_TIMEOUT_S,
                check=False,
                start_new_session=True,
            )
        if _wait_for_exit(pid, 10.0):
            return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_for_exit(pid, _STOP_TIMEOUT_S):
        raise LocalNeo4jError(
            _failure_report(
                home,
                f"Neo4j (pid {pid}) did not stop within {_STOP_TIMEOUT_S} s. "
                f"If it is hung, `kill -9 {pid}` ends it (the next start then runs recovery).",
            )
        )


def _wait_for_exit(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True
