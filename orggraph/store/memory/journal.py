"""Durability for the embedded store: a write-ahead journal plus a compacted snapshot.

The journal knows nothing about the graph. It records committed operations as
`{"seq": n, "op": name, "args": {...}}`, one per line as `<crc32 hex> <json>\\n`, and fsyncs
before `append` returns, so an acknowledged write survives a crash. The store replays the
records through the same functions that applied them live, so replay equals the live state.

Compaction writes the whole state to `snapshot.json` (temp file, fsync, rename, directory
fsync) stamped with the last sequence it includes, and only then empties the journal. A crash
between the two steps leaves records the snapshot already holds; replay skips them by sequence,
so nothing is applied twice.

A crash in the middle of an append leaves a torn last line: it is dropped with a warning. A bad
line anywhere else cannot come from a crash, so it is reported as corruption, never skipped.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from orggraph.store.values import StoreUnavailableError

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]

JOURNAL_FILE = "journal.log"
SNAPSHOT_FILE = "snapshot.json"
LOCK_FILE = "lock"
SNAPSHOT_FORMAT = 1

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_RECORDS = 100_000
SNAPSHOT_CHUNK_ROWS = 10_000


class JournalCorruptError(StoreUnavailableError):
    """The data folder holds damage a crash cannot explain; it needs a person, not a retry."""


class DataDirLockedError(StoreUnavailableError):
    """Another process (or another open store in this one) already owns the data folder."""


@dataclass(frozen=True)
class Record:
    """One committed operation, as written to and read back from the journal."""

    seq: int
    op: str
    args: JsonObject


@dataclass(frozen=True)
class Limits:
    """When the journal asks to be compacted: past either size, replay would get slow."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_records: int = DEFAULT_MAX_RECORDS


RestoreSnapshot = Callable[[JsonObject], None]
ApplyRecord = Callable[[Record], None]


READ_ATTEMPTS = 5
"""How often a read-only open starts again when the writer compacted while it read."""


class Journal:
    """An open, locked data folder: append records, compact into a snapshot, close.

    Open it with `Journal.open`, which also replays what is on disk into the caller, or with
    `Journal.open_read_only`, which replays the same without taking the lock, so reports can
    read a folder the serving process writes to.
    """

    def __init__(
        self, data_dir: Path, lock_fd: int | None, journal_fd: int, limits: Limits
    ) -> None:
        self._dir = data_dir
        self._lock_fd = lock_fd
        self._fd = journal_fd
        self._limits = limits
        self._seq = 0
        self._size = os.fstat(journal_fd).st_size
        self._records = 0
        self._closed = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path,
        restore: RestoreSnapshot,
        apply: ApplyRecord,
        limits: Limits | None = None,
    ) -> Journal:
        """Lock `data_dir`, feed the snapshot to `restore` and newer records to `apply`.

        The folder is created if missing. Raises DataDirLockedError if it is in use and
        JournalCorruptError if the snapshot or a record before the last one is damaged.
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        lock_fd = _lock(data_dir)
        try:
            journal_fd = _open_journal(data_dir)
        except BaseException:
            os.close(lock_fd)
            raise
        journal = cls(data_dir, lock_fd, journal_fd, limits or Limits())
        try:
            journal._recover(restore, apply)
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def open_read_only(
        cls, data_dir: Path, fresh: Callable[[], tuple[RestoreSnapshot, ApplyRecord]]
    ) -> Journal:
        """Replay `data_dir` as it stands, without its lock, touching nothing on disk.

        The writer may append or compact meanwhile. An append in progress leaves a torn last
        line, which is left out (the records before it are a state the writer committed). A
        compaction replaces the snapshot and then empties the journal: when the snapshot
        changed during the read, the read starts again into a fresh state from `fresh`. The
        journal opened this way refuses every write.
        """
        if not (data_dir / SNAPSHOT_FILE).exists() and not (data_dir / JOURNAL_FILE).exists():
            raise StoreUnavailableError(
                f"no orggraph data in {data_dir} (set ORGGRAPH_DATA_DIR to the folder the "
                "service uses, or import a ledger first)"
            )
        for _ in range(READ_ATTEMPTS):
            before = _file_identity(data_dir / SNAPSHOT_FILE)
            journal_fd = _open_journal_read_only(data_dir)
            journal = cls(data_dir, None, journal_fd, Limits())
            restore, apply = fresh()
            try:
                journal._recover(restore, apply)
            except JournalCorruptError:
                journal.close()
                if _file_identity(data_dir / SNAPSHOT_FILE) != before:
                    continue  # read across a compaction: read again
                raise
            except BaseException:
                journal.close()
                raise
            if _file_identity(data_dir / SNAPSHOT_FILE) == before:
                return journal
            journal.close()
        raise StoreUnavailableError(
            f"data folder {data_dir} was compacted {READ_ATTEMPTS} times while being read; "
            "try again"
        )

    @property
    def read_only(self) -> bool:
        """Opened by `open_read_only`: replayed, unlocked, never written."""
        return self._lock_fd is None

    def _recover(self, restore: RestoreSnapshot, apply: ApplyRecord) -> None:
        """Load the snapshot, then replay the journal records it does not already include."""
        if not self.read_only:
            (self._dir / (SNAPSHOT_FILE + ".tmp")).unlink(missing_ok=True)
        self._seq = _read_snapshot(self._dir / SNAPSHOT_FILE, restore)
        path = self._dir / JOURNAL_FILE
        good_size = 0
        previous: int | None = None
        for record, end in _read_records(path) if path.exists() else ():
            if previous is not None and record.seq != previous + 1:
                raise JournalCorruptError(f"{path}: record {record.seq} follows {previous}")
            previous, good_size = record.seq, end
            self._records += 1
            if record.seq <= self._seq:
                continue  # already in the snapshot: compaction stopped before emptying us
            if record.seq != self._seq + 1:
                raise JournalCorruptError(
                    f"{path}: first record is {record.seq} but the snapshot ends at {self._seq}"
                )
            apply(record)
            self._seq = record.seq
        if good_size < self._size and not self.read_only:
            self._drop_torn_tail(good_size)

    def _drop_torn_tail(self, good_size: int) -> None:
        """Cut a half-written last record off, so the next append starts on a clean line."""
        log.warning(
            "%s: dropping %d byte(s) of a torn last record (a write interrupted by a crash)",
            self._dir / JOURNAL_FILE,
            self._size - good_size,
        )
        os.ftruncate(self._fd, good_size)
        os.fsync(self._fd)
        self._size = good_size

    # -- writing -----------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The sequence number of the last committed record (0 for an empty folder)."""
        return self._seq

    @property
    def wants_compaction(self) -> bool:
        """Whether the journal has grown enough that a snapshot would pay for itself."""
        return self._size >= self._limits.max_bytes or self._records >= self._limits.max_records

    @property
    def has_records(self) -> bool:
        """Whether anything is in the journal that the snapshot does not replace yet."""
        return self._size > 0

    def append(self, op: str, args: JsonObject) -> int:
        """Write one record and fsync it; return its sequence number.

        `args` must be plain JSON (the caller encodes dates and enums). If the write fails the
        file is cut back to where it was, so a later append never lands after a torn line.
        """
        self.check_writable()
        seq = self._seq + 1
        line = encode_record(Record(seq, op, args))
        try:
            _write_all(self._fd, line)
            os.fsync(self._fd)
        except OSError as exc:
            self._rollback(exc)
        self._seq = seq
        self._size += len(line)
        self._records += 1
        return seq

    def _rollback(self, exc: OSError) -> NoReturn:
        """Undo a partial append; if even that fails, refuse every later write."""
        try:
            os.ftruncate(self._fd, self._size)
            os.fsync(self._fd)
        except OSError:
            self.close()
        raise StoreUnavailableError(f"{self._dir / JOURNAL_FILE}: write failed: {exc}") from exc

    def compact(self, state: Mapping[str, Iterable[Any]]) -> None:
        """Make `state` (everything up to `seq`) the snapshot, then empty the journal.

        The state is named sections of JSON rows; iterables are written as they are produced,
        so a big state is never built in memory twice.
        """
        self.check_writable()
        _write_snapshot(self._dir, self._seq, state)
        os.ftruncate(self._fd, 0)
        os.fsync(self._fd)
        self._size = 0
        self._records = 0

    def close(self) -> None:
        """Close the journal and release the folder lock; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        os.close(self._fd)
        if self._lock_fd is not None:
            os.close(self._lock_fd)

    @property
    def closed(self) -> bool:
        return self._closed

    def check_open(self) -> None:
        """Raise StoreUnavailableError once the journal (and so the store) is closed."""
        if self._closed:
            raise StoreUnavailableError(f"the store at {self._dir} is closed")

    def check_writable(self) -> None:
        """Raise StoreUnavailableError for a write through a read-only journal."""
        self.check_open()
        if self.read_only:
            raise StoreUnavailableError(
                f"the store at {self._dir} was opened read-only (beside the process that "
                "serves it); write through that process, e.g. the API"
            )


# -- record encoding -------------------------------------------------------------------------


def encode_record(record: Record) -> bytes:
    """`<crc32 of the json, 8 hex digits> <json>\\n`, UTF-8, no raw newline inside the json."""
    body = _json({"seq": record.seq, "op": record.op, "args": record.args})
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_record(line: bytes) -> Record:
    """Parse one journal line (with or without its newline); ValueError if it is damaged."""
    if not line.endswith(b"\n"):
        raise ValueError("no newline at the end")
    crc_hex, sep, body = line[:-1].partition(b" ")
    if not sep or len(crc_hex) != 8:
        raise ValueError("no checksum")
    if int(crc_hex, 16) != zlib.crc32(body):
        raise ValueError("checksum mismatch")
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    seq, op, args = data.get("seq"), data.get("op"), data.get("args")
    if not isinstance(seq, int) or not isinstance(op, str) or not isinstance(args, dict):
        raise ValueError("missing seq, op or args")
    return Record(seq, op, args)


def _read_records(path: Path) -> Iterator[tuple[Record, int]]:
    """Each good record with the file offset just past it; stops before a torn last line.

    A damaged line followed by any other line is corruption and raises JournalCorruptError.
    """
    offset = 0
    damaged: tuple[int, str] | None = None
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            if damaged is not None:
                raise JournalCorruptError(f"{path}: line {damaged[0]} is damaged ({damaged[1]})")
            try:
                record = decode_record(line)
            except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError included
                damaged = (number, str(exc))
                continue
            offset += len(line)
            yield record, offset


# -- snapshot --------------------------------------------------------------------------------


def _read_snapshot(path: Path, restore: RestoreSnapshot) -> int:
    """Feed the snapshot's state to `restore` and return its sequence (0 when there is none)."""
    try:
        with path.open("rb") as file:
            data = json.load(file)
    except FileNotFoundError:
        return 0
    except ValueError as exc:
        raise JournalCorruptError(f"{path}: snapshot is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise JournalCorruptError(f"{path}: not an orggraph snapshot (format {SNAPSHOT_FORMAT})")
    seq, state = data.get("seq"), data.get("state")
    if not isinstance(seq, int) or not isinstance(state, dict):
        raise JournalCorruptError(f"{path}: snapshot has no seq or state")
    try:
        restore(state)
    except (KeyError, TypeError, ValueError) as exc:
        raise JournalCorruptError(f"{path}: snapshot state is not readable: {exc!r}") from exc
    return seq


def _write_snapshot(data_dir: Path, seq: int, state: Mapping[str, Iterable[Any]]) -> None:
    """Replace the snapshot atomically: a crash leaves either the old one or the new one."""
    final = data_dir / SNAPSHOT_FILE
    temp = data_dir / (SNAPSHOT_FILE + ".tmp")
    with temp.open("wb") as file:
        _dump_snapshot(file, seq, state)
        file.flush()
        os.fsync(file.fileno())
    temp.replace(final)
    _fsync_dir(data_dir)


def _dump_snapshot(file: BinaryIO, seq: int, state: Mapping[str, Iterable[Any]]) -> None:
    """`{"format":..,"seq":..,"state":{section:[rows]}}`, rows encoded in chunks.

    `json.dumps` of a chunk runs in C; `JSONEncoder.iterencode` would stream but runs in
    Python, far slower on a city-sized state.
    """
    file.write(b'{"format":%d,"seq":%d,"state":{' % (SNAPSHOT_FORMAT, seq))
    for number, (section, rows) in enumerate(state.items()):
        file.write(b"%s%s:[" % (b"," if number else b"", _json(section)))
        first = True
        for chunk in _chunks(rows, SNAPSHOT_CHUNK_ROWS):
            file.write(_json(chunk)[1:-1] if first else b"," + _json(chunk)[1:-1])
            first = False
        file.write(b"]")
    file.write(b"}}")


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# -- files and locks -------------------------------------------------------------------------


def _lock(data_dir: Path) -> int:
    """Take the folder's exclusive lock, or say clearly who cannot have it."""
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DataDirLockedError(
            f"data folder {data_dir} is already in use by another orggraph store "
            "(another process, such as `orggraph serve`, or an unclosed store in this one). "
            "Reports, stats, export and audit read beside it; to change its data, write "
            "through that process's API or stop it first"
        ) from None
    return fd


def _open_journal(data_dir: Path) -> int:
    """Open the journal for appending; a new file's name is made durable at once."""
    path = data_dir / JOURNAL_FILE
    existed = path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    if not existed:
        _fsync_dir(data_dir)
    return fd


def _open_journal_read_only(data_dir: Path) -> int:
    """The journal for reading; an empty stand-in when there is none (only a snapshot)."""
    try:
        return os.open(data_dir / JOURNAL_FILE, os.O_RDONLY)
    except FileNotFoundError:
        return os.open(os.devnull, os.O_RDONLY)


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is replaced or rewritten (None when it is missing)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
