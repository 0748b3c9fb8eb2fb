"""The local Neo4j server behind `orggraph neo4j start|stop|status`.

Two kinds of test live here:

* Unit tests (no server, no Java): the neo4j.conf written for an instance, the version pins, and
  the clear errors for bad settings or a port held by another program, all in a tmp cache folder.
* ``neo4j``-marked tests against the real server `make test` starts (instance ``test``, Bolt 17687,
  HTTP 17474). They read where it is from the same environment variables. When the server is not
  reachable they FAIL, never skip: a missing database must not pass as a green run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import Driver, GraphDatabase

from orggraph.cli.neo4j import neo4j_group
from orggraph.config import LocalNeo4jSettings, Settings
from orggraph.localneo4j import instance, server, versions

# --- unit tests: no server ---------------------------------------------------------------------


def _local_settings(cache_dir: Path, **overrides: object) -> LocalNeo4jSettings:
    values: dict[str, object] = {
        "cache_dir": cache_dir,
        "instance": "unit",
        "bolt_port": 23687,
        "http_port": 23474,
        "heap_max": "384m",
        "pagecache": "64m",
        "password": "unit-test-password",
        "start_timeout_s": 5,
    }
    values.update(overrides)
    return LocalNeo4jSettings(**values)  # type: ignore[arg-type]


def _conf_entries(conf_text: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in conf_text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def test_written_config_is_loopback_only_with_the_chosen_ports(tmp_path: Path) -> None:
    settings = _local_settings(tmp_path)
    home = instance.prepare_instance(settings)

    assert home == tmp_path / f"neo4j-{versions.NEO4J_VERSION}" / "instances" / "unit"
    conf_text = (home / "conf" / "neo4j.conf").read_text()
    conf = _conf_entries(conf_text)
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == ":23687"
    assert conf["server.bolt.advertised_address"] == ":23687"
    assert conf["server.http.listen_address"] == ":23474"
    assert conf["server.https.enabled"] == "false"
    assert conf["server.memory.heap.initial_size"] == "384m"  # the maximum, from the start
    assert conf["server.memory.heap.max_size"] == "384m"
    assert conf["server.memory.pagecache.size"] == "64m"
    assert conf["server.directories.data"] == str(home / "data")
    assert conf["server.directories.run"] == str(home / "run")
    assert "0.0.0.0" not in conf_text
    for sub in ("conf", "data", "logs", "run"):
        assert (home / sub).is_dir()
    assert (home / "lib").is_symlink()
    assert (home / "lib").resolve() == (tmp_path / f"neo4j-{versions.NEO4J_VERSION}" / "lib")


def test_config_is_rewritten_from_the_settings_on_every_prepare(tmp_path: Path) -> None:
    instance.prepare_instance(_local_settings(tmp_path))
    home = instance.prepare_instance(_local_settings(tmp_path, bolt_port=24687, heap_max="128m"))

    conf = _conf_entries((home / "conf" / "neo4j.conf").read_text())
    assert conf["server.bolt.listen_address"] == ":24687"
    assert conf["server.memory.heap.initial_size"] == "128m"
    assert conf["server.memory.heap.max_size"] == "128m"


def test_pom_defaults_match_the_versions_the_code_pins() -> None:
    pom = resources.files("orggraph.localneo4j").joinpath("pom.xml").read_text()
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    properties = ElementTree.fromstring(pom).find("m:properties", namespace)
    assert properties is not None
    assert properties.findtext("m:neo4j.version", namespaces=namespace) == versions.NEO4J_VERSION
    assert (
        properties.findtext("m:neo4j.browser.version", namespaces=namespace)
        == versions.BROWSER_VERSION
    )


@pytest.mark.parametrize(
    ("overrides", "culprit"),
    [
        ({"instance": "../escape"}, "ORGGRAPH_NEO4J_INSTANCE"),
        ({"heap_max": "lots"}, "ORGGRAPH_NEO4J_HEAP"),
        ({"pagecache": "1 gig"}, "ORGGRAPH_NEO4J_PAGECACHE"),
        ({"http_port": 23687}, "must differ"),
        ({"password": "short"}, "NEO4J_PASSWORD"),
    ],
)
def test_bad_settings_are_refused_by_name(
    tmp_path: Path, overrides: dict[str, object], culprit: str
) -> None:
    with pytest.raises(server.LocalNeo4jError, match=culprit):
        server.start(_local_settings(tmp_path, **overrides))


def test_a_port_held_by_another_program_is_named(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = _local_settings(tmp_path, bolt_port=port)
        with pytest.raises(server.LocalNeo4jError, match=f"Bolt port {port} .* already in use"):
            server.start(settings)
    assert not (tmp_path / f"neo4j-{versions.NEO4J_VERSION}" / "lib").exists()  # no download


def test_cli_error_is_a_message_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = CliRunner().invoke(
            neo4j_group,
            ["start", "--bolt-port", str(port), "--http-port", "23474"],
            env={"ORGGRAPH_NEO4J_CACHE": str(tmp_path), "ORGGRAPH_NEO4J_INSTANCE": "unit"},
        )
    assert result.exit_code == 1
    assert f"Bolt port {port}" in result.output
    assert "Traceback" not in result.output


def test_stop_and_status_of_an_instance_never_started(tmp_path: Path) -> None:
    settings = _local_settings(tmp_path)

    stopped = server.stop(settings)
    reported = server.status(settings)

    assert not stopped.running
    assert (reported.running, reported.pid) == (False, None)
    assert reported.bolt_uri == "bolt://127.0.0.1:23687"
    assert reported.browser_url == "http://127.0.0.1:23474/browser/"
    assert not (tmp_path / f"neo4j-{versions.NEO4J_VERSION}").exists()  # stop downloads nothing


def test_cli_status_of_a_stopped_instance_exits_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        neo4j_group,
        ["status"],
        env={"ORGGRAPH_NEO4J_CACHE": str(tmp_path), "ORGGRAPH_NEO4J_INSTANCE": "unit"},
    )
    assert result.exit_code == 3
    assert "not running" in result.output


# --- the real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="module")
def driver(settings: Settings) -> Iterator[Driver]:
    """A driver to the running server, or a FAILED (not skipped) test saying how to start it."""
    driver = GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        pytest.fail(
            f"Neo4j is not reachable at {settings.neo4j_uri} ({type(exc).__name__}: {exc}). "
            "These tests need the server `make test` starts, i.e. `orggraph neo4j start` with "
            "the test instance's environment variables.",
            pytrace=False,
        )
    yield driver
    driver.close()


def _orggraph(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, with this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "orggraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )


@pytest.mark.neo4j
@pytest.mark.usefixtures("driver")  # so an absent server fails every test with the same message
class TestRealServer:
    def test_write_and_read_back_a_node_over_bolt(self, driver: Driver, settings: Settings) -> None:
        node_id = f"smoke-{uuid.uuid4()}"
        try:
            driver.execute_query(
                "CREATE (:OrggraphSmokeTest {id: $id, name: $name})",
                id=node_id,
                name="written over Bolt",
                database_=settings.neo4j_database,
            )
            records, _, _ = driver.execute_query(
                "MATCH (n:OrggraphSmokeTest {id: $id}) RETURN n.name AS name",
                id=node_id,
                database_=settings.neo4j_database,
            )
            assert [record["name"] for record in records] == ["written over Bolt"]
        finally:
            driver.execute_query(
                "MATCH (n:OrggraphSmokeTest {id: $id}) DETACH DELETE n",
                id=node_id,
                database_=settings.neo4j_database,
            )
        records, _, _ = driver.execute_query(
            "MATCH (n:OrggraphSmokeTest {id: $id}) RETURN count(n) AS left",
            id=node_id,
            database_=settings.neo4j_database,
        )
        assert records[0]["left"] == 0

    def test_server_reports_neo4j_5(self, driver: Driver) -> None:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN name, versions[0] AS version, edition"
        )
        kernel = {record["name"]: record for record in records}["Neo4j Kernel"]
        assert kernel["version"].startswith("5."), kernel["version"]
        assert kernel["edition"] == "community"

    def test_browser_is_served_on_the_http_port(self, settings: Settings) -> None:
        url = f"http://127.0.0.1:{settings.local_neo4j.http_port}/browser/"
        with urllib.request.urlopen(url, timeout=10) as response:
            status = response.status
            body = response.read().decode("utf-8", errors="replace")
        assert status == 200
        assert "<title>Neo4j Browser</title>" in body

    def test_starting_again_is_quick_and_harmless(self, driver: Driver, settings: Settings) -> None:
        before = server.status(settings.local_neo4j)

        began = time.monotonic()
        result = _orggraph("neo4j", "start")
        elapsed = time.monotonic() - began

        assert result.returncode == 0, result.stdout + result.stderr
        assert "already running" in result.stderr
        assert f"bolt://127.0.0.1:{settings.local_neo4j.bolt_port}" in result.stdout
        assert elapsed < 60, f"a second start took {elapsed:.1f} s (it must not start another)"
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        assert server.status(settings.local_neo4j).pid == before.pid  # not restarted

    def test_status_reports_running_with_the_pid(self, settings: Settings) -> None:
        reported = server.status(settings.local_neo4j)

        assert reported.running
        assert reported.pid is not None
        pid_file = reported.home / "run" / "neo4j.pid"
        assert int(pid_file.read_text().strip()) == reported.pid
        cmdline = Path(f"/proc/{reported.pid}/cmdline").read_bytes()
        assert b"org.neo4j.server.CommunityEntryPoint" in cmdline

        result = _orggraph("neo4j", "status")
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"running at pid {reported.pid}" in result.stdout
