"""Assemble, configure, start, stop and report on a local Neo4j 5.26 Community server.

Why it works this way:

* Maven Central publishes every Neo4j jar but no tarball, and Docker is not available everywhere
  orggraph is developed. So the first start runs Maven once (pom.xml beside this file) to copy the
  server, its launcher and Neo4j Browser into ``<cache_dir>/neo4j-<version>/lib``; a marker file
  written after a complete copy makes every later start skip Maven entirely.
* A Neo4j home is just a folder with ``conf/neo4j.conf`` and a ``lib``. Each *instance* (``default``
  for development, ``test`` for the test run) gets its own home under
  ``<cache_dir>/neo4j-<version>/instances/<instance>/`` with its own data, logs and pid file, and a
  symlink to the shared ``lib``, so instances never share a database but share the 140 MB of jars.
* ``neo4j.conf`` is rewritten from orggraph's settings on every start, so the environment variables
  (ports, memory) are the single source of truth; the server listens on 127.0.0.1 only.
* The server is started in a session of its own (``start_new_session``): it must outlive the
  command that started it, and a test runner's teardown or a timeout wrapper that kills its own
  process group must not take the database down by accident.
* Neo4j Browser is served with orggraph's style and guide for organisers: every start writes
  the instance's ``web/neo4j-browser.zip`` and the post-connect commands in neo4j.conf
  (``browser.py`` says how and why).
* "Started" means an actual Bolt query (``RETURN 1``) succeeded with the configured password, not
  merely that the launcher returned, so callers can use the server as soon as ``start`` returns.

Everything that can go wrong raises ``LocalNeo4jError`` with a message meant for a person: which
tool is missing, which port is taken, and the tail of Neo4j's own log when the server fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.resources
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.domain.policy import Policy
from orggraph.localneo4j import browser

NEO4J_VERSION = "5.26.30"
"""The Neo4j server version assembled; 5.26 is the LTS line that still runs on Java 17."""

BROWSER_VERSION = "5.24.0"
"""The Neo4j Browser version served at /browser/ (the newest published to Maven Central)."""

NEO4J_USER = "neo4j"
"""The only user a fresh Community server has; its password comes from the settings."""

MIN_JAVA_MAJOR = 17
"""Neo4j 5.26 needs Java 17 or 21."""

LOOPBACK = "127.0.0.1"

_LAUNCHER_CLASS = "org.neo4j.server.startup.Neo4jBoot"
_ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminBoot"
_LIB_MARKER = ".orggraph-assembled"
_PASSWORD_MARKER = ".initial-password-set"
_MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length default
_LOG_TAIL_LINES = 30
_MVN_TIMEOUT_S = 1800
_ADMIN_TIMEOUT_S = 180
_STOP_TIMEOUT_S = 180
_POLL_INTERVAL_S = 0.5
_INSTANCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MEMORY_SIZE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)
_UNIT_BYTES = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class LocalNeo4jError(RuntimeError):
    """Anything that stops the local Neo4j from being assembled, started or stopped.

    The message is written for a person at a terminal; the CLI prints it without a traceback.
    """


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


# --- paths -------------------------------------------------------------------------------------


def version_dir(settings: LocalNeo4jSettings) -> Path:
    """The cache folder for this Neo4j version; a version bump gets a fresh folder, never a mix."""
    return settings.cache_dir / f"neo4j-{NEO4J_VERSION}"


def lib_dir(settings: LocalNeo4jSettings) -> Path:
    """The shared folder of jars every instance's ``lib`` symlink points to."""
    return version_dir(settings) / "lib"


def instance_home(settings: LocalNeo4jSettings) -> Path:
    """The instance's Neo4j home; the name is checked so it cannot escape the cache folder."""
    if not _INSTANCE_NAME.match(settings.instance):
        raise LocalNeo4jError(
            f"instance name {settings.instance!r} is not usable as a folder name: use letters, "
            "digits, '.', '_' or '-' (ORGGRAPH_NEO4J_INSTANCE)"
        )
    return version_dir(settings) / "instances" / settings.instance


def http_url(settings: LocalNeo4jSettings) -> str:
    """The server's HTTP root on loopback."""
    return f"http://{LOOPBACK}:{settings.http_port}"


def _pid_file(home: Path) -> Path:
    return home / "run" / "neo4j.pid"


def _launcher_output(home: Path) -> Path:
    return home / "logs" / "launcher.out"


# --- small helpers -----------------------------------------------------------------------------


def _say(message: str) -> None:
    """Progress goes to stderr so stdout stays clean for the CLI's summary (and for scripts)."""
    print(message, file=sys.stderr, flush=True)


def _memory_bytes(value: str, what: str, env_name: str) -> int:
    match = _MEMORY_SIZE.match(value.strip())
    if not match:
        raise LocalNeo4jError(f"{what} must be a size like 512m or 2g, got {value!r} ({env_name})")
    return int(match.group(1)) * _UNIT_BYTES[match.group(2).lower()]


def _validate(settings: LocalNeo4jSettings) -> None:
    """Catch bad settings here with a named culprit, rather than as a Neo4j startup failure."""
    instance_home(settings)
    for label, port, env_name in (
        ("Bolt", settings.bolt_port, "ORGGRAPH_NEO4J_BOLT_PORT"),
        ("HTTP", settings.http_port, "ORGGRAPH_NEO4J_HTTP_PORT"),
    ):
        if not 1 <= port <= 65535:
            raise LocalNeo4jError(
                f"{label} port must be between 1 and 65535, got {port} ({env_name})"
            )
    if settings.bolt_port == settings.http_port:
        raise LocalNeo4jError(f"the Bolt and HTTP ports must differ, both are {settings.bolt_port}")
    _memory_bytes(settings.heap_max, "the maximum heap size", "ORGGRAPH_NEO4J_HEAP")
    _memory_bytes(settings.pagecache, "the page cache size", "ORGGRAPH_NEO4J_PAGECACHE")
    if len(settings.password) < _MIN_PASSWORD_LENGTH:
        raise LocalNeo4jError(
            f"Neo4j requires a password of at least {_MIN_PASSWORD_LENGTH} characters "
            "(NEO4J_PASSWORD)"
        )
    if settings.start_timeout_s <= 0:
        raise LocalNeo4jError(
            f"the start timeout must be positive, got {settings.start_timeout_s} "
            "(ORGGRAPH_NEO4J_START_TIMEOUT)"
        )


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so two concurrent starts (two terminals, parallel make
    targets) neither download twice nor launch two servers on one home.

    Not re-entrant: callers already holding it use the ``_locked``-free internals.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_LOG_FILES = ("neo4j.log", "debug.log")


def _tail(path: Path, lines: int, start: int = 0) -> str:
    """The last lines of a possibly large, append-only log after byte ``start``, without
    reading all of it."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if start > size:  # the file was rotated or truncated since
            start = 0
        handle.seek(max(start, size - 256 * 1024))
        data = handle.read()
    return "\n".join(data.decode("utf-8", errors="replace").splitlines()[-lines:])


def _log_sizes(home: Path) -> dict[str, int]:
    """How long the logs are now, so a failure report can show only what this start wrote."""
    sizes: dict[str, int] = {}
    for name in _LOG_FILES:
        with contextlib.suppress(OSError):
            sizes[name] = (home / "logs" / name).stat().st_size
    return sizes


def log_tail(
    home: Path, lines: int = _LOG_TAIL_LINES, since: Mapping[str, int] | None = None
) -> str:
    """The end of neo4j.log (or of debug.log when neo4j.log has nothing), labelled with its path.

    This is where Neo4j explains why it did not start (bad config key, port in use, ...).
    ``since`` (from ``_log_sizes`` before launching) limits it to what the current start wrote,
    so the report is not padded with the previous run's shutdown.
    """
    offsets = since or {}
    for name in _LOG_FILES:
        path = home / "logs" / name
        if not path.is_file():
            continue
        text = _tail(path, lines, offsets.get(name, 0))
        if text.strip():
            return f"--- last lines of {path} ---\n{text}"
    written = "during this start " if since else ""
    return f"--- Neo4j wrote nothing {written}to neo4j.log or debug.log in {home / 'logs'} ---"


def _failure_report(home: Path, headline: str, since: Mapping[str, int] | None = None) -> str:
    parts = [headline, log_tail(home, since=since)]
    launcher = _launcher_output(home)
    if launcher.is_file() and launcher.stat().st_size > 0:
        parts.append(f"--- launcher output ({launcher}) ---\n{_tail(launcher, _LOG_TAIL_LINES)}")
    return "\n".join(parts)


# --- Java and Maven ----------------------------------------------------------------------------


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


# --- assembling --------------------------------------------------------------------------------


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


# --- the instance home -------------------------------------------------------------------------


def render_config(settings: LocalNeo4jSettings, home: Path) -> str:
    """neo4j.conf for an instance: loopback only, the configured ports and memory, no HTTPS,
    and Neo4j Browser told where orggraph's style and guide are.

    The advertised Bolt address is set as well as the listening one: otherwise the discovery
    document at / and Neo4j Browser still point clients at 7687. The initial heap is the
    maximum, as Neo4j's own memory advice says: a heap that starts small grows through
    collections while the first import runs, and that import took 33-42 s instead of 40-49 s
    (scale 1, 2g heap, first import after start).
    """
    lines = [
        "# Written by `orggraph neo4j start` on every start from orggraph's settings",
        "# (the ORGGRAPH_NEO4J_* environment variables); edits here are overwritten.",
        f"# Neo4j {NEO4J_VERSION}, instance {settings.instance!r}.",
        f"server.default_listen_address={LOOPBACK}",
        f"server.default_advertised_address={LOOPBACK}",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=:{settings.bolt_port}",
        f"server.bolt.advertised_address=:{settings.bolt_port}",
        "server.http.enabled=true",
        f"server.http.listen_address=:{settings.http_port}",
        f"server.http.advertised_address=:{settings.http_port}",
        "server.https.enabled=false",
        f"server.memory.heap.initial_size={settings.heap_max}",
        f"server.memory.heap.max_size={settings.heap_max}",
        f"server.memory.pagecache.size={settings.pagecache}",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.plugins={home / 'plugins'}",
        f"server.directories.import={home / 'import'}",
        "dbms.usage_report.enabled=false",
        "server.jvm.additional=-XX:+ExitOnOutOfMemoryError",
        "# Neo4j Browser loads orggraph's style and guide after connecting (see browser.py).",
        *(f"{key}={value}" for key, value in browser.browser_config(settings.http_port).items()),
    ]
    return "\n".join(lines) + "\n"


def prepare_instance(settings: LocalNeo4jSettings) -> Path:
    """Create the instance's home (conf/, data/, logs/, run/, plugins/, import/, the ``lib``
    symlink) and (re)write its neo4j.conf from the settings. Needs no jars, downloads nothing.

    The symlink is relative, so the cache folder can be moved as a whole. Returns the home.
    """
    _validate(settings)
    home = instance_home(settings)
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    link = home / "lib"
    wanted = Path("..") / ".." / "lib"
    if link.is_symlink() and Path(os.readlink(link)) != wanted:
        link.unlink()
    if not link.is_symlink() and not link.exists():
        link.symlink_to(wanted, target_is_directory=True)
    conf = home / "conf" / "neo4j.conf"
    conf.write_text(render_config(settings, home))
    return home


def _set_initial_password(settings: LocalNeo4jSettings, home: Path, java: Path) -> None:
    """Give user neo4j the configured password, once, before the very first start.

    ``neo4j-admin dbms set-initial-password`` only has an effect before the first start (after
    that the password lives in the system database), hence the marker file.
    """
    marker = home / _PASSWORD_MARKER
    if marker.is_file():
        return
    command = [
        str(java),
        "-cp",
        _class_path(home),
        _ADMIN_CLASS,
        "dbms",
        "set-initial-password",
        settings.password,
    ]
    try:
        result = subprocess.run(
            command,
            cwd=home,
            env=_launcher_env(home, java),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=_ADMIN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LocalNeo4jError(
            f"neo4j-admin dbms set-initial-password did not finish within {_ADMIN_TIMEOUT_S} s"
        ) from exc
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-_LOG_TAIL_LINES:])
        raise LocalNeo4jError(
            f"neo4j-admin dbms set-initial-password failed (exit {result.returncode}):\n{tail}"
        )
    marker.write_text(
        "The initial password of user neo4j was set from NEO4J_PASSWORD before the first start.\n"
        "Changing NEO4J_PASSWORD later does not change it; delete this instance folder to start "
        "over with an empty database.\n"
    )


# --- processes and ports -----------------------------------------------------------------------


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


# --- status, start, stop -----------------------------------------------------------------------


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


def _install_browser_extras(settings: LocalNeo4jSettings, home: Path, policy: Policy) -> None:
    """Put orggraph's guide and style into the Browser this instance serves.

    A guide that no longer matches its queries must not keep the database from starting (other
    work needs it), so that failure is reported and Browser is served without the guide; the
    browser tests then fail and say why.
    """
    jar = lib_dir(settings) / f"neo4j-browser-{BROWSER_VERSION}.jar"
    try:
        browser.install(home, jar, policy)
    except browser.GuideError as exc:
        (home / "web" / browser.WEB_ZIP_NAME).unlink(missing_ok=True)
        _say(f"WARNING: Neo4j Browser is served without orggraph's guide and style: {exc}")


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
