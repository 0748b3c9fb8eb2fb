"""docker-compose.yml and deploy/nginx.conf, checked by parsing them (no Docker engine here):
the services the README describes, each API replica configured alike with settings the code
reads, the shared secret, loopback-only ports, and nginx sending to every replica."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

import orggraph.config

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "nginx.conf"
SETTINGS_SOURCE = Path(orggraph.config.__file__).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return parsed


def test_the_services_are_neo4j_two_api_replicas_and_a_balancer(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"neo4j", "api-1", "api-2", "lb"}
    assert set(compose["volumes"]) == {"neo4j-data", "neo4j-logs", "orggraph-config"}


def test_the_replicas_are_configured_alike_with_settings_the_code_reads(
    compose: dict[str, Any],
) -> None:
    first, second = compose["services"]["api-1"], compose["services"]["api-2"]
    assert first == second
    assert first["build"] == "."
    assert first["depends_on"]["neo4j"]["condition"] == "service_healthy"
    environment = first["environment"]
    assert environment["ORGGRAPH_STORE"] == "neo4j"
    assert environment["NEO4J_URI"] == "bolt://neo4j:7687"
    assert environment["ORGGRAPH_JWT_SECRET"].startswith("${ORGGRAPH_JWT_SECRET:?")
    for name in environment:
        assert f'"{name}"' in SETTINGS_SOURCE or name == "ORGGRAPH_JWT_SECRET", name
    volume, target = first["volumes"][0].split(":")
    assert volume in compose["volumes"]
    assert Path(environment["ORGGRAPH_REVOKED_TOKENS_FILE"]).parent == Path(target)
    assert (ROOT / "Dockerfile").read_text(encoding="utf-8").count("orggraph") > 0


def test_ports_are_published_on_loopback_only(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
    assert "ports" not in compose["services"]["api-1"]  # reached through the balancer


def test_nginx_sends_to_every_replica_and_skips_a_503(compose: dict[str, Any]) -> None:
    conf = NGINX.read_text(encoding="utf-8")
    servers = set(re.findall(r"^\s*server\s+([\w.-]+):(\d+)", conf, re.MULTILINE))
    replicas = {name for name in compose["services"] if name.startswith("api-")}
    assert servers == {
        (name, compose["services"][name]["environment"]["ORGGRAPH_PORT"]) for name in replicas
    }
    assert "proxy_next_upstream error timeout http_503" in conf
    mounted = compose["services"]["lb"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted).resolve() == NGINX.resolve()


def test_compose_config_passes_where_the_client_has_it() -> None:
    docker = shutil.which("docker")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True) if docker else None
    if probe is None or probe.returncode != 0:
        return  # no compose plugin on this machine: the parsing tests above stand alone
    env = {"NEO4J_PASSWORD": "x", "ORGGRAPH_JWT_SECRET": "y" * 32, "PATH": "/usr/bin:/bin"}
    checked = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "-q"], env=env, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()
