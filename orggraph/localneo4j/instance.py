"""Make an instance's Neo4j home ready to start: folders, neo4j.conf, Browser, first password.

``neo4j.conf`` is rewritten from orggraph's settings on every start, so the environment
variables (ports, memory) are the single source of truth and a hand edit cannot drift from them;
the server listens on 127.0.0.1 only. Neo4j Browser is served with orggraph's style and guide for
organisers: every start writes the instance's ``web/neo4j-browser.zip`` and the post-connect
commands in neo4j.conf (``browser.py`` says how and why). The initial password of user neo4j can
only be set before the very first start, so that happens here, once.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from orggraph.config import LocalNeo4jSettings
from orggraph.domain.policy import Policy
from orggraph.localneo4j import browser
from orggraph.localneo4j.errors import LocalNeo4jError
from orggraph.localneo4j.java import _ADMIN_CLASS, _class_path, _launcher_env
from orggraph.localneo4j.logs import _LOG_TAIL_LINES, _say
from orggraph.localneo4j.paths import LOOPBACK, instance_home, lib_dir
from orggraph.localneo4j.validate import _validate
from orggraph.localneo4j.versions import BROWSER_VERSION, NEO4J_VERSION

_PASSWORD_MARKER = ".initial-password-set"
_ADMIN_TIMEOUT_S = 180


def render_config(settings: LocalNeo4jSettings, home: Path) -> str:
    """neo4j.conf for an instance: loopback only, the configured ports and memory, no HTTPS,
    and Neo4j Browser told where orggraph's style and guide are.

    The advertised Bolt address is set as well as the listening one: otherwise the discovery
    document at / and Neo4j Browser still point clients at 7687. The initial heap is the
    maximum, as Neo4j's own memory advice says: a heap that starts small grows through
    collections while the first import runs, which slows that import noticeably (README,
    Benchmarks).
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
