"""`orggraph serve --demo --print-admin-token` on a port another server holds: it stops at
once with one line naming ORGGRAPH_PORT, before loading the demo city or printing a token and
a curl line for the wrong server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def test_a_busy_port_is_named_before_anything_is_printed(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = os.environ | {
            "ORGGRAPH_STORE": "memory",
            "ORGGRAPH_DATA_DIR": str(tmp_path / "data"),
            "ORGGRAPH_JWT_SECRET_FILE": str(tmp_path / "secret"),
            "ORGGRAPH_HOST": "127.0.0.1",
            "ORGGRAPH_PORT": str(port),
        }
        done = subprocess.run(
            [sys.executable, "-m", "orggraph", "serve", "--demo", "--print-admin-token"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "ORGGRAPH_PORT" in done.stderr
    assert "Traceback" not in done.stderr and "Admin token" not in done.stderr
    assert not (tmp_path / "data").exists(), "the demo city was loaded first"
