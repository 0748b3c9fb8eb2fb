"""All of orggraph's configuration, read from environment variables in this one place.

Every knob has a default that works on a developer machine with nothing set; the README's
"Configuration" table lists the same names and defaults (keep the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orggraph.domain.errors import OrgGraphError
from orggraph.domain.policy import Policy, parse_service_limits, parse_service_points


def _home_dir(env_name: str, fallback: str) -> Path:
    """An XDG base directory (e.g. XDG_CACHE_HOME), or its usual place under the home folder."""
    configured = os.environ.get(env_name)
    return Path(configured) if configured else Path.home() / fallback


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(
            f"environment variable {name} must be a whole number, got {raw!r}"
        ) from exc


T = TypeVar("T")


def _env_parsed(name: str, parse: Callable[[str], T]) -> T:
    """A policy value written in text (empty: the defaults), its errors naming the variable."""
    try:
        return parse(_env(name, ""))
    except (ValueError, OrgGraphError) as exc:
        raise ValueError(f"environment variable {name}: {exc}") from exc


def _env_timezone(name: str, default: str) -> str:
    """An IANA time zone name (`Asia/Shanghai`), checked so a typo fails at start."""
    value = _env(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"environment variable {name} must be a time zone such as Asia/Shanghai, got {value!r}"
        ) from exc
    return value


@dataclass(frozen=True)
class LocalNeo4jSettings:
    """How `orggraph neo4j start` assembles and runs the local Neo4j server."""

    cache_dir: Path
    instance: str
    bolt_port: int
    http_port: int
    heap_max: str
    pagecache: str
    password: str
    start_timeout_s: int

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"environment variable {name} must be true or false, got {raw!r}")


def _env_float(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"environment variable {name} must be positive, got {raw!r}")
    return value


def _env_nonnegative(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be a number, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"environment variable {name} must be 0 (off) or more, got {raw!r}")
    return value


def _log_format() -> str:
    chosen = _env("ORGGRAPH_LOG_FORMAT", "text").lower()
    if chosen not in ("text", "json"):
        raise ValueError(f"ORGGRAPH_LOG_FORMAT must be 'text' or 'json', got {chosen!r}")
    return chosen


def _env_path(name: str) -> Path | None:
    raw = _env(name, "")
    return Path(raw) if raw else None


def _parse_origins(raw: str) -> tuple[str, ...]:
    """`https://a.example, https://b.example` (or `*` for any) as a tuple; empty: off.

    Raises ValueError naming an entry that is not an origin (scheme://host[:port], no path).
    """
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if origin != "*" and (scheme not in ("http", "https") or not rest or "/" in rest):
            raise ValueError(
                f"ORGGRAPH_CORS_ORIGINS: {origin!r} is not an origin "
                "(write it as https://host or https://host:port, comma-separated)"
            )
    return origins


@dataclass(frozen=True)
class ApiSettings:
    """How the API authenticates callers and protects itself."""

    secret_file: Path
    graphiql: bool
    introspection: bool
    request_timeout_s: float
    cypher_timeout_s: float
    max_body_bytes: int = 1_000_000
    rate_limit_per_s: float = 0.0
    """0: no rate limit."""
    rate_burst: int = 0
    """0: twice the rate, at least 1."""
    revoked_tokens_file: Path | None = None
    """None: beside the secret file, as `revoked-tokens`."""
    trusted_documents_file: Path | None = None
    """None: any valid document runs."""
    cors_origins: tuple[str, ...] = ()
    """Browser origins allowed to call the API; empty: cross-origin calls refused."""
    metrics: bool = True
    """Serve Prometheus text at /metrics."""
    json_logs: bool = False
    """One JSON object a log line instead of text."""
    verify_every_s: float = 0.0
    """Check the kept figures against a recount this often (0: never)."""

    @property
    def revoked_tokens_path(self) -> Path:
        return self.revoked_tokens_file or self.secret_file.with_name("revoked-tokens")


@dataclass(frozen=True)
class Settings:
    """The service's settings: which store, where it keeps data, where it listens."""

    store: str
    data_dir: Path
    host: str
    port: int
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    local_neo4j: LocalNeo4jSettings
    api: ApiSettings
    policy: Policy = field(default_factory=Policy)
    report_timezone: str = "Asia/Shanghai"
    """The organisers' time zone: reports show their times in it, with its name."""

    @classmethod
    def from_env(cls) -> Settings:
        store = _env("ORGGRAPH_STORE", "memory")
        if store not in ("memory", "neo4j"):
            raise ValueError(f"ORGGRAPH_STORE must be 'memory' or 'neo4j', got {store!r}")
        password = _env("NEO4J_PASSWORD", "orggraph-dev")
        bolt_port = _env_int("ORGGRAPH_NEO4J_BOLT_PORT", 7687)
        local = LocalNeo4jSettings(
            cache_dir=Path(
                _env(
                    "ORGGRAPH_NEO4J_CACHE", str(_home_dir("XDG_CACHE_HOME", ".cache") / "orggraph")
                )
            ),
            instance=_env("ORGGRAPH_NEO4J_INSTANCE", "default"),
            bolt_port=bolt_port,
            http_port=_env_int("ORGGRAPH_NEO4J_HTTP_PORT", 7474),
            heap_max=_env("ORGGRAPH_NEO4J_HEAP", "512m"),
            pagecache=_env("ORGGRAPH_NEO4J_PAGECACHE", "256m"),
            password=password,
            start_timeout_s=_env_int("ORGGRAPH_NEO4J_START_TIMEOUT", 120),
        )
        return cls(
            store=store,
            data_dir=Path(
                _env(
                    "ORGGRAPH_DATA_DIR",
                    str(_home_dir("XDG_DATA_HOME", ".local/share") / "orggraph"),
                )
            ),
            host=_env("ORGGRAPH_HOST", "127.0.0.1"),
            port=_env_int("ORGGRAPH_PORT", 8000),
            neo4j_uri=_env("NEO4J_URI", local.bolt_uri),
            neo4j_user=_env("NEO4J_USER", "neo4j"),
            neo4j_password=password,
            neo4j_database=_env("NEO4J_DATABASE", "neo4j"),
            local_neo4j=local,
            api=ApiSettings(
                secret_file=Path(
                    _env(
                        "ORGGRAPH_JWT_SECRET_FILE",
                        str(_home_dir("XDG_CONFIG_HOME", ".config") / "orggraph" / "jwt-secret"),
                    )
                ),
                graphiql=_env_bool("ORGGRAPH_GRAPHIQL", True),
                introspection=_env_bool("ORGGRAPH_INTROSPECTION", True),
                request_timeout_s=_env_float("ORGGRAPH_REQUEST_TIMEOUT", 30.0),
                cypher_timeout_s=_env_float("ORGGRAPH_CYPHER_TIMEOUT", 20.0),
                max_body_bytes=_env_int("ORGGRAPH_MAX_BODY_BYTES", 1_000_000),
                rate_limit_per_s=_env_nonnegative("ORGGRAPH_RATE_LIMIT", 0.0),
                rate_burst=_env_int("ORGGRAPH_RATE_BURST", 0),
                revoked_tokens_file=_env_path("ORGGRAPH_REVOKED_TOKENS_FILE"),
                trusted_documents_file=_env_path("ORGGRAPH_TRUSTED_DOCUMENTS"),
                cors_origins=_parse_origins(_env("ORGGRAPH_CORS_ORIGINS", "")),
                metrics=_env_bool("ORGGRAPH_METRICS", True),
                json_logs=_log_format() == "json",
                verify_every_s=_env_nonnegative("ORGGRAPH_VERIFY_EVERY", 0.0),
            ),
            report_timezone=_env_timezone("ORGGRAPH_TIMEZONE", "Asia/Shanghai"),
            policy=Policy(
                min_households=_env_int("ORGGRAPH_MIN_HOUSEHOLDS", 10),
                max_households=_env_int("ORGGRAPH_MAX_HOUSEHOLDS", 15),
                min_yearly_points=_env_int("ORGGRAPH_MIN_YEARLY_POINTS", 20),
                service_limits=_env_parsed("ORGGRAPH_SERVICE_LIMITS", parse_service_limits),
                service_points=_env_parsed("ORGGRAPH_SERVICE_POINTS", parse_service_points),
            ),
        )
