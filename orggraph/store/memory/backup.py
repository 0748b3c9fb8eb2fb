"""Backups of the embedded store's data folder, taken while a service writes to it.

A backup is a gzip'd tar of the snapshot and the journal records after it, as of one
moment, plus a manifest of sequence numbers and checksums. It is read without the folder's
lock, from the files alone, so it never stops the serving process:

- the snapshot is opened first and stays open, so a compaction that renames a new one into
  place does not change what this copy reads;
- the journal is read up to its last whole record (an append in flight is left out, as if the
  backup were a moment earlier);
- if the snapshot's name points at another file after the journal was read, a compaction ran
  meanwhile (its journal may already be cut), so the copy starts again.

A restore writes into an empty folder only and unpacks beside it first, so a damaged backup
never leaves half a folder; the store then replays it as on any start.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from orggraph import __version__
from orggraph.store.memory.journal import JOURNAL_FILE, SNAPSHOT_FILE, decode_record

MANIFEST_FILE = "backup.json"
BACKUP_FORMAT = 1
ATTEMPTS = 20


class BackupError(Exception):
    """A backup that cannot be taken or restored, with the file and the reason."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds: the last sequence number in it and when it was taken."""

    path: Path
    seq: int
    snapshot_seq: int
    records: int
    taken_at: str


def take_backup(data_dir: Path, out: Path) -> BackupInfo:
    """Write a consistent backup of `data_dir` to `out` (see the module docstring)."""
    if not (data_dir / SNAPSHOT_FILE).exists() and not (data_dir / JOURNAL_FILE).exists():
        raise BackupError(f"{data_dir}: no orggraph data here (no snapshot, no journal)")
    for _ in range(ATTEMPTS):
        copied = _copy_once(data_dir)
        if copied is not None:
            break
        time.sleep(0.05)
    else:
        raise BackupError(f"{data_dir}: compactions kept running during {ATTEMPTS} attempts")
    snapshot, snapshot_seq, journal, last_seq, records = copied
    taken_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    manifest = {
        "format": BACKUP_FORMAT,
        "orggraph": __version__,
        "taken_at": taken_at,
        "seq": last_seq,
        "snapshot_seq": snapshot_seq,
        "records": records,
        "sha256": {
            SNAPSHOT_FILE: hashlib.sha256(snapshot).hexdigest(),
            JOURNAL_FILE: hashlib.sha256(journal).hexdigest(),
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".part")
    with tarfile.open(staging, "w:gz") as archive:
        for name, data in (
            (MANIFEST_FILE, json.dumps(manifest, indent=2).encode()),
            (SNAPSHOT_FILE, snapshot),
            (JOURNAL_FILE, journal),
        ):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            member.mtime = int(time.time())
            archive.addfile(member, io.BytesIO(data))
    os.replace(staging, out)
    return BackupInfo(out, last_seq, snapshot_seq, records, taken_at)


def _copy_once(data_dir: Path) -> tuple[bytes, int, bytes, int, int] | None:
    """(snapshot, its seq, journal records after it, last seq, count), or None to retry."""
    snapshot_path = data_dir / SNAPSHOT_FILE
    try:
        snapshot_file = snapshot_path.open("rb")
    except FileNotFoundError:
        snapshot_file = None
    try:
        snapshot = snapshot_file.read() if snapshot_file else b""
        snapshot_seq = _snapshot_seq(snapshot, snapshot_path) if snapshot else 0
        try:
            journal_bytes = (data_dir / JOURNAL_FILE).read_bytes()
        except FileNotFoundError:
            journal_bytes = b""
        if not _same_snapshot(snapshot_path, snapshot_file):
            return None
    finally:
        if snapshot_file:
            snapshot_file.close()
    kept: list[bytes] = []
    last = snapshot_seq
    for line in journal_bytes.splitlines(keepends=True):
        try:
            record = decode_record(line)
        except ValueError:
            break  # a record being written now: the backup is of the moment before it
        if record.seq <= snapshot_seq:
            continue
        if record.seq != last + 1:
            return None  # the journal moved on past this snapshot (a compaction between reads)
        kept.append(line)
        last = record.seq
    return snapshot, snapshot_seq, b"".join(kept), last, len(kept)


def _snapshot_seq(snapshot: bytes, path: Path) -> int:
    head = snapshot[:200].decode("utf-8", errors="replace")
    marker = '"seq":'
    if marker not in head:
        raise BackupError(f"{path}: not an orggraph snapshot")
    digits = head.split(marker, 1)[1].split(",", 1)[0]
    if not digits.strip().isdigit():
        raise BackupError(f"{path}: not an orggraph snapshot")
    return int(digits)


def _same_snapshot(path: Path, opened: io.BufferedReader | None) -> bool:
    try:
        now = path.stat().st_ino
    except FileNotFoundError:
        return opened is None
    return opened is not None and os.fstat(opened.fileno()).st_ino == now


def restore_backup(backup: Path, data_dir: Path) -> BackupInfo:
    """Unpack `backup` into `data_dir`, which must be empty or missing; checksums are checked
    before anything is put in place."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty: restore into a new or empty folder")
    try:
        with tarfile.open(backup, "r:gz") as archive:
            files = {
                name: _member(archive, name, backup)
                for name in (MANIFEST_FILE, SNAPSHOT_FILE, JOURNAL_FILE)
            }
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{backup}: not a readable orggraph backup ({exc})") from exc
    manifest = json.loads(files[MANIFEST_FILE])
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(
            f"{backup}: backup format {manifest.get('format')!r} is not {BACKUP_FORMAT}"
        )
    for name in (SNAPSHOT_FILE, JOURNAL_FILE):
        if hashlib.sha256(files[name]).hexdigest() != manifest["sha256"][name]:
            raise BackupError(f"{backup}: {name} does not match its checksum (damaged backup)")
    staging = data_dir.with_name(data_dir.name + ".restoring")
    staging.mkdir(parents=True, exist_ok=False)
    if files[SNAPSHOT_FILE]:
        (staging / SNAPSHOT_FILE).write_bytes(files[SNAPSHOT_FILE])
    (staging / JOURNAL_FILE).write_bytes(files[JOURNAL_FILE])
    if data_dir.exists():
        data_dir.rmdir()
    staging.rename(data_dir)
    return BackupInfo(
        backup, manifest["seq"], manifest["snapshot_seq"], manifest["records"], manifest["taken_at"]
    )


def _member(archive: tarfile.TarFile, name: str, backup: Path) -> bytes:
    try:
        extracted = archive.extractfile(name)
    except KeyError as exc:
        raise BackupError(f"{backup}: {name} is missing (not an orggraph backup)") from exc
    if extracted is None:
        raise BackupError(f"{backup}: {name} is not a file")
    return extracted.read()
