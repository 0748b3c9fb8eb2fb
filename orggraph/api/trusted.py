"""Trusted documents: in production the dashboards send a fixed set of queries, so an operator
can register those and have the service run nothing else. Any other document, however valid,
is refused before it is parsed, which closes every attack that needs a document of its own.

The manifest is Apollo's persisted-query manifest (`apollo-persisted-query-manifest`, version
1): each operation's `id` is the SHA-256 of its `body` in hex. A client may send the whole
text (it must hash to a registered id), the GraphQL-over-HTTP draft's
`"documentId": "sha256:<hex>"`, or Apollo's `extensions.persistedQuery.sha256Hash`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orggraph.api.body_limit import BODY_KEY
from orggraph.api.security import ASGIApp, Receive, Scope, Send, replay, send_error

MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(ValueError):
    """A manifest file that cannot be used, with the file and the fault named."""


def document_id(text: str) -> str:
    """A document's id: the SHA-256 of its exact text, in hex."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Operation:
    """One registered document."""

    id: str
    name: str
    type: str
    body: str


def read_manifest(path: Path) -> dict[str, Operation]:
    """The registered documents by id; ManifestError names the file and what is wrong."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{path}: no such trusted-documents manifest") from exc
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: not a JSON manifest ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"{path}: 'format' must be {MANIFEST_FORMAT!r}")
    found: dict[str, Operation] = {}
    for index, entry in enumerate(raw.get("operations", [])):
        where = f"{path}: operations[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
            raise ManifestError(f"{where} has no 'body' text")
        body = entry["body"]
        if entry.get("id") != document_id(body):
            raise ManifestError(f"{where}: 'id' is not the SHA-256 of its body")
        found[entry["id"]] = Operation(
            entry["id"], str(entry.get("name", "")), str(entry.get("type", "query")), body
        )
    return found


def write_manifest(path: Path, operations: Mapping[str, Operation]) -> None:
    """Write the manifest whole (sorted by name, then id), replacing the file atomically."""
    ordered = sorted(operations.values(), key=lambda op: (op.name, op.id))
    payload = {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "operations": [
            {"id": op.id, "name": op.name, "type": op.type, "body": op.body} for op in ordered
        ],
    }
    staging = path.with_name(path.name + ".new")
    staging.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    staging.replace(path)


class TrustedDocumentsOnly:
    """400 `DOCUMENT_NOT_TRUSTED` for any document not in the manifest; runs after BodyLimit,
    which leaves the whole body in the scope."""

    def __init__(self, app: ASGIApp, documents: Mapping[str, Operation]) -> None:
        self.app = app
        self.documents = dict(documents)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = _json_object(scope.get(BODY_KEY, b""))
        operation = self._registered(request) if request is not None else None
        if request is None or operation is None:
            await send_error(
                send,
                400,
                "only registered documents run on this service: send a registered query or "
                "its documentId (orggraph documents register)",
                code="DOCUMENT_NOT_TRUSTED",
            )
            return
        request["query"] = operation.body
        request.pop("documentId", None)
        await self.app(scope, replay(json.dumps(request).encode(), receive), send)

    def _registered(self, request: dict[str, Any]) -> Operation | None:
        wanted = request.get("documentId")
        if isinstance(wanted, str):
            return self.documents.get(wanted.removeprefix("sha256:"))
        persisted = (request.get("extensions") or {}).get("persistedQuery") or {}
        if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
            operation = self.documents.get(persisted["sha256Hash"])
            query = request.get("query")
            return operation if query in (None, operation and operation.body) else None
        query = request.get("query")
        return self.documents.get(document_id(query)) if isinstance(query, str) else None


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
