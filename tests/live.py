"""A real `orggraph serve` in its own process, for tests that must see what clients see:
uvicorn, HTTP, signals and the process's own settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from orggraph.auth.tokens import Principal, Role, create_token

ORGGRAPH = Path(sys.executable).parent / "orggraph"
SECRET = "live-tests-signing-secret-0123456789abcdef"
TOKEN_TTL_S = 24 * 3600
"""Tokens made when a test module is collected must outlive the whole suite's run."""


def admin_header(subject: str) -> dict[str, str]:
    """An admin's Authorization header for the live servers (signed with SECRET)."""
    token = create_token(SECRET, Principal(subject, Role.ADMIN, None), TOKEN_TTL_S)
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A running service: where it listens and the process (its output goes to `log`)."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(
    folder: Path, env: Mapping[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[LiveServer]:
    """`orggraph serve` on a free loopback port over the embedded store in `folder` (unless
    `env` says otherwise), ready when /healthz answers; stopped with SIGTERM at the end."""
    port = free_port()
    environment = {
        **os.environ,
        "ORGGRAPH_STORE": "memory",
        "ORGGRAPH_DATA_DIR": str(folder / "data"),
        "ORGGRAPH_JWT_SECRET": SECRET,
        "ORGGRAPH_PORT": str(port),
        **(env or {}),
    }
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(ORGGRAPH), "serve", *args], env=environment, stdout=sink, stderr=sink
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        stop(server)


def stop(server: LiveServer, timeout_s: float = 20) -> int:
    """SIGTERM, then the exit code (SIGKILL if it will not go)."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


def _wait_ready(server: LiveServer, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"orggraph serve exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"orggraph serve did not answer within {timeout_s} s:\n{server.output()}")
