"""Batch summarisation on Ray Data (a cluster, or every core of one machine), every id exactly once.

``summarizer batch INPUT OUTPUT --ray`` (or :func:`run`) and ``summarizer merge OUTPUT FILE`` (or
:func:`read_output`). The one-machine batch (``summarizer.batchfile``) never imports this module's
Ray code: Ray is imported inside the functions that need it, and only there.

How every id ends exactly once, whatever dies when:

* The driver reads INPUT once (ids only, no text kept) and cuts it into **shards** of consecutive
  records, in input order, never across files. A shard is named by its position and a hash of its
  ids: ``part-00000012-3fa9c1d2e4b5a6f7.jsonl``. The same input always gives the same shards.
* ``OUTPUT/_manifest.json`` lists the shards (written atomically before any work starts).
* Ray Data runs a pool of actors over the shard descriptors (not the texts): each actor holds one
  loaded ``Pipeline``, reads its shard from INPUT, summarises it, and writes the shard's part file
  under a temporary name, then renames it (on object stores, where a PUT is atomic, it writes the
  final key directly). A part file is there whole or not at all.
* A task retried after a worker died, a zombie task of a killed driver and a rerun all write the
  *same* file name with the same records: the last rename wins and nothing is ever duplicated.
  ``--resume`` skips the shards whose part file exists; the reader (:func:`read_output`) follows the
  manifest, so it yields each id once and in input order, and ignores part files of an older input.
* A record that fails is written with an ``error`` field, as in the one-machine batch. Work that
  raises inside a group is retried record by record. A record that kills its worker process (a
  crash, not an exception) makes Ray retry its shard a few times; a shard still missing after the
  pass is redone one record per task, and a record that kills every attempt is written as an error.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .batchfile import Record, json_line, parse_line
from .config import pipeline_kwargs
from .errors import (
    ClusterUnreachable,
    InputChanged,
    InputError,
    RayUnavailable,
    SummarizerError,
    WorkerSetupError,
)
from .options import GROUP_SIZES, int_range
from .outputs import JobLock, check_output_folder
from .result import from_row, record_schema, to_row

MANIFEST = "_manifest.json"
RUNS = "_runs"  # one JSON summary per run: counts, speed, which node did which shard
PART_PREFIX = "part-"
OUTPUT_FORMATS = ("jsonl", "parquet")
INPUT_SUFFIXES = (".jsonl", ".txt", ".parquet")
DEFAULT_SHARD_SIZE = 64
TASK_RETRIES = 2  # a shard whose worker dies is tried 1 + TASK_RETRIES times before the per-record pass
RECORD_RETRIES = 1  # in the per-record pass, a record whose worker dies is tried 1 + RECORD_RETRIES times
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2  # shards travel as descriptors, results as files: little to hold
PROPAGATED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_VERBOSITY", "TOKENIZERS_PARALLELISM")


# ---------------------------------------------------------------------------------------------
# Storage: local paths through the os module, URIs (s3://, gs://, file://...) through pyarrow.fs


class _Store:
    """The few file operations the job needs, on a local folder or a pyarrow filesystem."""

    def __init__(self, location: str):
        self.location = location
        if "://" in location:
            from pyarrow import fs as pafs

            self.fs, self.root = pafs.FileSystem.from_uri(location)
            self.local = False
            # Object stores make an object visible whole when its upload completes: write in place.
            self.atomic_put = type(self.fs).__name__ in ("S3FileSystem", "GcsFileSystem", "AzureFileSystem")
        else:
            self.fs, self.root, self.local, self.atomic_put = None, os.path.abspath(location), True, False

    def join(self, *names: str) -> str:
        return "/".join([self.root.rstrip("/"), *names]) if not self.local else os.path.join(self.root, *names)

    def kind(self, path: str) -> str:
        """"file", "dir" or "missing"."""
        if self.local:
            return "dir" if os.path.isdir(path) else "file" if os.path.isfile(path) else "missing"
        from pyarrow import fs as pafs

        info = self.fs.get_file_info(path)
        return {pafs.FileType.Directory: "dir", pafs.FileType.File: "file"}.get(info.type, "missing")

    def list(self, path: str) -> list[str]:
        """File names directly in ``path`` (none when it does not exist)."""
        if self.local:
            return sorted(e.name for e in os.scandir(path) if e.is_file()) if os.path.isdir(path) else []
        from pyarrow import fs as pafs

        infos = self.fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.File)

    def open(self, path: str):
        """A binary file object, seekable (Parquet reads its footer first)."""
        return open(path, "rb") if self.local else self.fs.open_input_file(path)

    def read(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        with self.open(path) as handle:
            handle.seek(offset)
            return handle.read() if size is None else handle.read(size)

    def makedirs(self, path: str) -> None:
        if self.local:
            os.makedirs(path, exist_ok=True)
        else:
            self.fs.create_dir(path, recursive=True)

    def write_atomic(self, path: str, data: bytes) -> None:
        """``path`` appears whole or not at all: written under a temporary name, then renamed."""
        folder, name = path.rsplit("/", 1) if not self.local else os.path.split(path)
        if self.atomic_put:
            with self.fs.open_output_stream(path) as out:
                out.write(data)
            return
        tmp = f"{folder}/.{name}.{uuid.uuid4().hex[:8]}.tmp"  # hidden: never listed as a part
        if self.local:
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)  # atomic on POSIX, replaces what a retried task wrote before
            with contextlib.suppress(OSError):  # the rename itself durable, where the OS allows
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        else:
            with self.fs.open_output_stream(tmp) as out:
                out.write(data)
            self.fs.move(tmp, path)

    def remove(self, path: str) -> None:
        with contextlib.suppress(OSError, FileNotFoundError):
            os.remove(path) if self.local else self.fs.delete_file(path)


# ---------------------------------------------------------------------------------------------
# Input: records, and shards of them


def read_text_record(store: _Store, path: str, shown: str) -> Record:
    """A .txt file as one record (id: its stem), decoded by ``inputs.read_text_file``, named as shown."""
    from .inputs import read_text_file

    stem = shown.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if store.local:
        staged, local_path = None, path
    else:  # read_text_file reads a local path: stage the object's bytes in a temporary file
        try:
            data = store.read(path)
        except OSError as exc:
            return Record(stem, error=f"{shown}: cannot be read ({exc}).")
        descriptor, staged = tempfile.mkstemp(suffix=".txt")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        local_path = staged
    try:
        return Record(stem, read_text_file(local_path, name=shown))
    except InputError as exc:
        return Record(stem, error=str(exc))
    finally:
        if staged:
            os.remove(staged)


@dataclass
class Shard:
    """Consecutive records of one input file: the unit of work, of retry and of output."""

    index: int
    kind: str  # "jsonl" | "txt" | "parquet"
    source: str  # INPUT (absolute when local): the store workers open
    path: str  # where workers read it in that store: a file (jsonl, parquet) or a folder (txt)
    shown: str  # the same, as the user named it (error messages)
    ids: list[str]
    start: int = 0  # jsonl: byte offset; parquet: first row in the row group
    stop: int = 0  # jsonl: byte offset after the last line; parquet: row after the last
    line: int = 0  # jsonl: number of the first line; parquet: row group; txt: unused
    row: int = 0  # parquet: number (1-based, in its file) of the row group's first row
    names: list[str] = field(default_factory=list)  # txt: file names
    fallback_prefix: str = ""  # prefix of the ids made up for records without one (folder inputs)
    repeats: dict[str, str] = field(default_factory=dict)  # position -> error for a repeated id

    @property
    def key(self) -> str:
        return ids_key(self.ids)

    def part_name(self, output_format: str = "jsonl") -> str:
        return f"{PART_PREFIX}{self.index:08d}-{self.key}.{output_format}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=True)

    @classmethod
    def from_json(cls, text: str) -> Shard:
        return cls(**json.loads(text))


def scan_input(source: str, shard_size: int) -> Iterator[Shard]:
    """The shards of ``source``: a JSONL file, a Parquet file, or a folder of .jsonl/.txt/.parquet files.

    Reads every id once (the texts are left where they are, for the workers); an id seen before
    makes its record a per-record error (the first one wins).
    """
    store = _Store(source)
    kind = store.kind(store.root)
    if kind == "missing" and (source == "-" or (store.local and os.path.exists(store.root))):
        raise InputError(f"{source}: not a regular file or folder (standard input, a FIFO...): --ray reads INPUT "
                         "more than once (each worker reads its shards from it): save it to a file first.")
    if kind == "missing":
        raise InputError(f"{source}: no such file or folder.")
    shown_root = source if "://" in source else str(Path(source))
    if kind == "dir":
        names = [n for n in store.list(store.root) if n.endswith(INPUT_SUFFIXES) and not n.startswith((".", "_"))]
        if not names:
            raise InputError(f"{source}: the folder has no .jsonl, .txt or .parquet files.")
        shown_dir = shown_root.rstrip("/")
        several = len(names) - sum(n.endswith(".txt") for n in names) > 1 or (
            any(n.endswith(".txt") for n in names) and not all(n.endswith(".txt") for n in names))
        groups: list[Callable[[], Iterator[_Item]]] = []
        txt: list[str] = []
        for name in [*names, ""]:  # files in name order; a run of .txt files is one group
            if name.endswith(".txt"):
                txt.append(name)
                continue
            if txt:
                groups.append(lambda run=txt: _scan_txt(store, source, shown_dir, run))
                txt = []
            if name:  # made-up ids (a record without one) name their file when there are several
                groups.append(lambda n=name: _scan_file(store, source, store.join(n), f"{shown_dir}/{n}",
                                                        f"{n}:" if several else ""))
    else:
        groups = [lambda: _scan_file(store, source, store.root, shown_root, "")]
    seen: dict[str, str] = {}
    index = 0
    for group in groups:
        batch: list[_Item] = []
        for item in group():
            batch.append(item)
            if len(batch) == shard_size or (batch and item.boundary_after):
                yield _make_shard(index, batch, seen)
                index, batch = index + 1, []
        if batch:
            yield _make_shard(index, batch, seen)
            index += 1


@dataclass
class _Item:
    """What the scan keeps of one record: its id and where it is."""

    id: str
    where: str
    template: dict  # the Shard fields that locate it (kind, path, shown, ...)
    start: int = 0
    stop: int = 0
    number: int = 0  # jsonl: line; parquet: row in the row group
    name: str = ""  # txt
    boundary_after: bool = False  # the last record of a Parquet row group: a shard never spans two


def _make_shard(index: int, items: list[_Item], seen: dict[str, str]) -> Shard:
    first, last = items[0], items[-1]
    shard = Shard(index=index, ids=[i.id for i in items], **first.template)
    if shard.kind == "jsonl":
        shard.start, shard.stop, shard.line = first.start, last.stop, first.number
    elif shard.kind == "parquet":
        shard.start, shard.stop = first.start, last.start + 1
    else:
        shard.names = [i.name for i in items]
    for position, item in enumerate(items):
        if item.id in seen:
            shard.repeats[str(position)] = (
                f"Duplicate id {item.id!r} ({item.where}): the record at {seen[item.id]} has the same id "
                "and is the one kept."
            )
        else:
            seen[item.id] = item.where
    return shard


def _scan_txt(store: _Store, source: str, shown_dir: str, names: list[str]) -> Iterator[_Item]:
    template = {"kind": "txt", "source": _absolute(source), "path": store.root, "shown": shown_dir}
    for name in names:
        yield _Item(id=name.rsplit(".", 1)[0], where=f"file {name}", template=template, name=name)


def _scan_file(store: _Store, source: str, path: str, shown: str, prefix: str) -> Iterator[_Item]:
    if path.endswith(".parquet"):
        yield from _scan_parquet(store, source, path, shown, prefix)
        return
    template = {"kind": "jsonl", "source": _absolute(source), "path": path, "shown": shown, "fallback_prefix": prefix}
    offset = 0
    with store.open(path) as handle:
        reader = handle if store.local else io.BufferedReader(_RawStream(handle), 1 << 20)
        for number, raw in enumerate(reader, 1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            record = parse_line(raw, number, shown, prefix)
            where = f"{shown} line {number}"
            yield _Item(id=record.id, where=where, template=template, start=start, stop=offset, number=number)


class _RawStream(io.RawIOBase):
    """A pyarrow input file as a raw stream, so that io.BufferedReader can split it into lines."""

    def __init__(self, handle):
        self.handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _scan_parquet(store: _Store, source: str, path: str, shown: str, prefix: str) -> Iterator[_Item]:
    import pyarrow.parquet as pq

    with store.open(path) as handle:
        parquet = pq.ParquetFile(handle)
        columns = parquet.schema_arrow.names
        if "text" not in columns:
            raise InputError(f"{shown}: the Parquet file has no 'text' column (it has: {', '.join(columns)}).")
        row = 0
        for group in range(parquet.num_row_groups):
            size = parquet.metadata.row_group(group).num_rows
            ids = parquet.read_row_group(group, columns=["id"]).column(0).to_pylist() if "id" in columns else [None] * size
            template = {"kind": "parquet", "source": _absolute(source), "path": path, "shown": shown, "line": group,
                        "fallback_prefix": prefix}
            for offset, value in enumerate(ids):
                row += 1
                record_id = str(value) if value is not None else f"{prefix}row-{row}"
                item = _Item(id=record_id, where=f"{shown} row {row}", template={**template, "row": row - offset},
                             start=offset, boundary_after=offset == size - 1)
                yield item


_ROW_GROUPS: dict[tuple[str, int], Any] = {}  # a worker's last row groups: shards of one group share a read


def read_shard(shard: Shard, store: _Store | None = None) -> list[Record]:
    """The records of ``shard``, in input order (what the scan saw, or an error if INPUT changed since)."""
    store = store or _Store(shard.source)
    if shard.kind == "jsonl":
        data = store.read(shard.path, shard.start, shard.stop - shard.start)
        lines = data.split(b"\n")  # as a binary file splits its lines: at \n only
        if lines and not lines[-1]:
            lines.pop()
        records = []
        for number, raw in enumerate(lines, shard.line):
            if raw.strip():
                records.append(parse_line(raw, number, shard.shown, shard.fallback_prefix))
    elif shard.kind == "txt":
        records = [read_text_record(store, _join(shard.path, n), f"{shard.shown}/{n}") for n in shard.names]
    else:
        records = _read_parquet_rows(store, shard)
    if [r.id for r in records] != shard.ids:
        raise InputChanged(f"{shard.shown} changed while the job ran (shard {shard.index} no longer holds "
                           "the ids it was planned with)")
    for position, error in shard.repeats.items():
        records[int(position)] = Record(records[int(position)].id, error=error)
    return records


def _join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}"


def _read_parquet_rows(store: _Store, shard: Shard) -> list[Record]:
    import pyarrow.parquet as pq

    key = (shard.path, shard.line)
    table = _ROW_GROUPS.get(key)
    if table is None:
        with store.open(shard.path) as handle:
            parquet = pq.ParquetFile(handle)
            wanted = [c for c in ("id", "text") if c in parquet.schema_arrow.names]
            table = parquet.read_row_group(shard.line, columns=wanted)
        _ROW_GROUPS.clear()  # one row group at a time: consecutive shards mostly share it
        _ROW_GROUPS[key] = table
    rows = table.slice(shard.start, shard.stop - shard.start).to_pylist()
    records = []
    for offset, row in enumerate(rows):
        number = shard.row + shard.start + offset
        value = row.get("id")
        record_id = str(value) if value is not None else f"{shard.fallback_prefix}row-{number}"
        text = row.get("text")
        if isinstance(text, str):
            records.append(Record(record_id, text))
        else:
            records.append(Record(record_id, error=f"{shard.shown}, row {number}: no 'text' string in the record."))
    return records


# ---------------------------------------------------------------------------------------------
# Work: records through a pipeline, one poisoned record never costing the others


def summarize_records(pipeline, records: list[Record], *, group_size: int | None = None) -> list[dict]:
    """One output dict per record, in order, as the one-machine batch writes them.

    Records that could not be read give ``{"id", "error"}``; the others go through
    ``pipeline.batch`` ``group_size`` at a time (model batches shared across articles). A group that
    raises is done again one record at a time, so only the record that raises gets an error.
    """
    group_size = group_size or GROUP_SIZES.get(getattr(pipeline, "device", "cpu"), GROUP_SIZES["cpu"])
    out: list[dict | None] = [None] * len(records)
    readable = []
    for position, record in enumerate(records):
        if record.error is not None:
            out[position] = {"id": record.id, "error": record.error}
        else:
            readable.append(position)
    for first in range(0, len(readable), group_size):
        group = readable[first : first + group_size]
        try:
            results = _run(pipeline, [records[p] for p in group], group_size)
        except Exception:
            results = [_run_alone(pipeline, records[p]) for p in group]
        for position, result in zip(group, results, strict=True):
            out[position] = result
    return out  # type: ignore[return-value]


def _run(pipeline, records: list[Record], group_size: int) -> list[dict]:
    items = [{"id": r.id, "text": r.text} for r in records]
    # A shard's part file is written whole: full groups from the start (no growing 1, 2, 4...).
    batches = pipeline.batch(items, group_size=group_size, grow=False, progress=False)
    results = [result.to_dict() for result in batches]
    if len(results) != len(records):
        raise RuntimeError(f"the pipeline returned {len(results)} results for {len(records)} records")
    return results


def _run_alone(pipeline, record: Record) -> dict:
    try:
        (result,) = _run(pipeline, [record], 1)
        return result
    except Exception as exc:
        reason = (str(exc).strip().splitlines() or [""])[0][:300]
        return {"id": record.id, "error": f"The article could not be processed ({type(exc).__name__}: {reason})."}


# ---------------------------------------------------------------------------------------------
# Output: part files, the manifest, and the reader


def encode_jsonl(records: Iterable[dict]) -> bytes:
    """JSON lines, UTF-8, as the one-machine batch writes them (``batchfile.json_line``)."""
    return "".join(json_line(record) + "\n" for record in records).encode("utf-8")


def decode_jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def encode_parquet(records: list[dict]) -> bytes:
    """Records as a Parquet file whose schema is derived from ``Result``'s types (``result.record_schema``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = record_schema()
    rows = [to_row(record) for record in records]
    try:
        table = pa.Table.from_pylist(rows, schema=schema)
    except UnicodeEncodeError:  # a lone surrogate: Parquet strings are UTF-8, so it is written as \udc80
        table = pa.Table.from_pylist(_scrub(rows), schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _scrub(value):
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def decode_parquet(data: bytes) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = []
    for row in pq.read_table(pa.BufferReader(data)).to_pylist():
        if row.get("sentences") is None:  # written from {"id", "error"}
            records.append({"id": row["id"], "error": row["error"]})
            continue
        records.append(from_row(row))
    return records


_CODECS = {"jsonl": (encode_jsonl, decode_jsonl), "parquet": (encode_parquet, decode_parquet)}


@dataclass
class Manifest:
    """What OUTPUT holds: the shards of its input, in input order."""

    input: str
    output_format: str
    shard_size: int
    shards: list[list]  # [index, key, number of records]
    options: dict = field(default_factory=dict)
    version: int = 1

    def part_names(self) -> list[str]:
        return [f"{PART_PREFIX}{index:08d}-{key}.{self.output_format}" for index, key, _ in self.shards]

    @classmethod
    def read(cls, store: _Store) -> Manifest | None:
        path = store.join(MANIFEST)
        if store.kind(path) != "file":
            return None
        return cls(**json.loads(store.read(path)))

    def write(self, store: _Store) -> None:
        store.write_atomic(store.join(MANIFEST), json.dumps(asdict(self)).encode("ascii"))


@dataclass
class OutputReport:
    """What :func:`read_output` found: records, failures, shards not done yet, repeated ids skipped,
    and the part files that do not hold what the manifest says (each named, with what is wrong)."""

    records: int = 0
    failed: int = 0
    missing_shards: int = 0
    missing_records: int = 0  # of the missing shards and of the damaged parts
    repeated: int = 0
    damaged: list = field(default_factory=list)


def ids_key(ids: list[str]) -> str:
    """The hash that names a shard's part file: of its ids, in order."""
    return hashlib.sha256(json.dumps(ids, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:16]


_SCRUBBED_SURROGATE = re.compile(r"\\u(d[89a-f][0-9a-f]{2})")


def _read_part(store: _Store, name: str, decode, key: str, count: int) -> tuple[list[dict], str | None]:
    """A part file's records, checked against the manifest's entry (its ids' hash, their count).

    Returns the records and None, or no records and what is wrong, naming the file: a part that was
    cut, edited, or given records of another shard is never taken for its shard's results.
    """
    try:
        records = decode(store.read(store.join(name)))
    except Exception as exc:  # any decoder's error (JSON, Parquet): the file is not whole
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return [], f"{store.join(name)} cannot be read ({reason})"
    ids = [r.get("id") if isinstance(r, dict) else None for r in records]
    if len(ids) != count:
        return [], f"{store.join(name)} holds {len(ids)} records where its shard has {count}"
    if not all(isinstance(i, str) for i in ids) or key not in (ids_key(ids), ids_key(_unscrubbed(ids))):
        return [], f"{store.join(name)} does not hold its shard's ids (edited, or records of another shard)"
    return records, None


def _unscrubbed(ids: list[str]) -> list[str]:
    """Ids as they were before Parquet's ``_scrub`` wrote a lone surrogate as the text \\udcXX."""
    return [_SCRUBBED_SURROGATE.sub(lambda m: chr(int(m.group(1), 16)), i) for i in ids]


def read_output(output: str, report: OutputReport | None = None) -> Iterator[dict]:
    """The records in OUTPUT, each id once (the first), in input order; part files of shards not
    done yet are counted in ``report.missing_shards``, those of an older input ignored."""
    store = _Store(output)
    if store.kind(store.root) == "missing":
        raise InputError(f"{output}: no such folder.")
    manifest = Manifest.read(store)
    if manifest is None:
        raise InputError(f"{output}: no {MANIFEST} here: not the output of `summarizer batch --ray`.")
    report = report if report is not None else OutputReport()
    decode = _CODECS[manifest.output_format][1]
    present = set(store.list(store.root))
    seen: set[str] = set()
    for name, (_, key, count) in zip(manifest.part_names(), manifest.shards, strict=True):
        if name not in present:
            report.missing_shards += 1
            report.missing_records += count
            continue
        records, damage = _read_part(store, name, decode, key, count)
        if damage is not None:
            report.damaged.append(damage)
            report.missing_records += count
            continue
        for record in records:
            if record["id"] in seen:
                report.repeated += 1
                continue
            seen.add(record["id"])
            report.records += 1
            report.failed += record.get("error") is not None
            yield record


def merge(output: str, destination: str) -> OutputReport:
    """Write OUTPUT's records to one JSONL file (atomically), each id once, in input order."""
    report = OutputReport()
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("wb") as handle:
            for record in read_output(output, report):
                handle.write(encode_jsonl([record]))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return report


# ---------------------------------------------------------------------------------------------
# The Ray job


@dataclass
class RunSummary:
    """A run's counts: ``done``/``failed`` this run, ``skipped`` (already in OUTPUT, with their failures)."""

    records: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_failed: int = 0
    shards: int = 0
    shards_run: int = 0
    rescued_shards: int = 0
    seconds: float = 0.0  # the Ray part: cluster start, model loads, work
    startup_seconds: float = 0.0  # connecting to (or starting) Ray
    workers: int = 0
    nodes: dict = field(default_factory=dict)  # node id -> shards it wrote
    worker_pids: list = field(default_factory=list)  # [node, pid, shards] of each process that wrote shards
    stale_parts: int = 0
    changed: list = field(default_factory=list)  # shards whose input changed under the job: not written

    @property
    def articles_per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def exit_failed(self) -> bool:
        return bool(self.failed or self.skipped_failed)

    def line(self, output: str) -> str:
        text = (f"done: {self.done - self.failed} ok, {self.failed} failed, {self.skipped} skipped "
                f"(already in OUTPUT, {self.skipped_failed} of them failed); ")
        if self.done:
            text += (f"{self.articles_per_second:.2f} articles/s (Ray's start-up of {self.startup_seconds:.0f} s "
                     f"included) on {self.workers} worker(s), {len(self.nodes)} node(s); ")
        return text + f"-> {output}"


def _pipeline_options(job: dict) -> dict:
    return dict(job.get("pipeline") or {})


class ShardWorker:
    """A Ray Data actor: one loaded Pipeline; summarises shards and writes their part files.

    Called with a batch of shard descriptors (``{"shard": [json]}``): writes each shard's part file
    and returns a line of counts per shard. With ``{"record": [json]}`` (the per-record pass) it
    returns the records' outputs instead of writing anything.
    """

    def __init__(self, job: dict):
        self.job = job
        self.output = _Store(job["output"])
        self.encode = _CODECS[job["output_format"]][0]
        factory = job.get("pipeline_factory")
        with _threads_for_loading(job.get("cpus_per_worker") or 0):
            try:
                if factory is not None:
                    self.pipeline = factory()
                else:
                    from .pipeline import Pipeline

                    self.pipeline = Pipeline(**_pipeline_options(job))
            except SummarizerError as exc:
                raise WorkerSetupError(str(exc)) from None
        import ray

        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict) -> dict:
        if "record" in batch:
            return {"out": [self._one_record(item) for item in batch["record"]]}
        return {"stats": [json.dumps(self._shard(Shard.from_json(text))) for text in batch["shard"]]}

    def _shard(self, shard: Shard) -> dict:
        started = time.perf_counter()
        part = self.output.join(shard.part_name(self.job["output_format"]))
        stats = {"index": shard.index, "node": self.node, "pid": os.getpid(), "reused": False}
        if self.output.kind(part) == "file":  # a retry after the part was written: nothing to redo
            records = _CODECS[self.job["output_format"]][1](self.output.read(part))
            stats["reused"] = True
        else:
            try:
                inputs = read_shard(shard)
            except InputChanged as exc:  # no part can be right for this shard: the driver stops the job
                return {**stats, "changed": str(exc), "done": 0, "failed": 0, "seconds": 0.0}
            records = summarize_records(self.pipeline, inputs, group_size=self.job["group_size"])
            self.output.write_atomic(part, self.encode(records))
        stats.update(done=len(records), failed=sum(r.get("error") is not None for r in records),
                     seconds=time.perf_counter() - started)
        return stats

    def _one_record(self, text: str) -> str:
        item = json.loads(text)
        shard = Shard.from_json(item["shard"])
        try:
            record = read_shard(shard)[item["position"]]
        except InputChanged as exc:
            return json.dumps({"index": shard.index, "position": item["position"], "changed": str(exc)})
        (out,) = summarize_records(self.pipeline, [record], group_size=1)
        return json.dumps({"index": shard.index, "position": item["position"], "record": out}, ensure_ascii=True)


@contextlib.contextmanager
def _threads_for_loading(cores: int):
    """Models loaded inside see ``cores`` cores, so that they size their thread pools to them.

    CTranslate2 starts one thread per core the process may run on when a model loads; a Ray worker
    that asked for C CPUs on a node of many would start one per core of the node, and N workers
    would oversubscribe it N times. The process is narrowed to C cores while the pipeline loads,
    then every thread is let run anywhere again (the OS balances the workers' threads).
    """
    if cores <= 0 or not hasattr(os, "sched_getaffinity"):
        yield
        return
    everywhere = os.sched_getaffinity(0)
    if cores >= len(everywhere):
        yield
        return
    ordered = sorted(everywhere)
    first = os.getpid() % len(ordered)  # workers starting together load on different cores
    os.sched_setaffinity(0, (ordered * 2)[first : first + cores])
    try:
        yield
    finally:
        for task in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(task), everywhere)
    if "torch" in sys.modules:  # the transformers engine: one intra-op thread per asked-for core
        sys.modules["torch"].set_num_threads(cores)


def _import_ray():
    try:
        import ray
        import ray.data
    except ImportError:
        raise RayUnavailable(
            "--ray needs Ray Data: pip install 'arabic-news-summarizer[ray]' (or pip install 'ray[data]')."
        ) from None
    return ray


def _start_ray(address: str | None, *, quiet: bool):
    """Connect to the cluster at ``address``, or start Ray on this machine, bound to 127.0.0.1 only."""
    if address is None:
        # On Linux, Ray listens on every interface and advertises the machine's address, for other
        # nodes to join; a job on this machine alone needs neither: keep it on the loopback.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    ray = _import_ray()
    import logging

    env = {name: os.environ[name] for name in PROPAGATED_ENV if name in os.environ}
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING if quiet else logging.INFO,
        "runtime_env": {"env_vars": env} if env else None,
        "log_to_driver": not quiet,
    }
    if address is None:
        ray.init(address="local", _node_ip_address="127.0.0.1", object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                 **kwargs)
    else:
        _check_reachable(address)
        ray.init(address=address, **kwargs)
    return ray


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in one line when nothing listens at ``host:port``: ``ray.init`` would retry for minutes."""
    import socket

    if address == "auto":
        return
    host_port = address.split("://", 1)[-1].rstrip("/")
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        return  # not host:port: left to Ray, which says what it expects
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ClusterUnreachable(
            f"no Ray cluster answers at {address} ({exc.strerror or exc}): start one with `ray start --head` "
            "there (its address is HOST:6379 by default), or leave out --ray-address to run on this machine."
        ) from None


def run(
    input: str,
    output: str,
    *,
    resume: bool = False,
    address: str | None = None,
    workers: int | None = None,
    cpus_per_worker: int = 1,
    gpus_per_worker: float = 0,
    shard_size: int = DEFAULT_SHARD_SIZE,
    group_size: int | None = None,
    output_format: str = "jsonl",
    pipeline: dict | None = None,
    pipeline_factory: Callable[[], Any] | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> RunSummary:
    """Summarise INPUT into OUTPUT's part files on Ray; see the module's docstring for the guarantees.

    ``pipeline`` holds the ``Pipeline`` keyword arguments each worker builds its pipeline with;
    ``pipeline_factory`` (a picklable callable) builds it instead. Without ``address``, Ray is started
    on this machine (127.0.0.1 only) and stopped at the end; with it, the job runs on that cluster.
    """
    log = log or (lambda message: print(message, file=sys.stderr))
    if output_format not in OUTPUT_FORMATS:
        raise InputError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    store = _Store(output)
    if store.kind(store.root) == "file":
        raise InputError(f"{output}: is a file; --ray writes a folder of part files.")
    check_output_folder(output, input=input)
    # One job per OUTPUT: a lock file beside the folder (local folders; an object store has no flock).
    with JobLock(store.root) if store.local else contextlib.nullcontext():
        return _run_job(input, output, store, resume=resume, address=address, workers=workers,
                        cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker, shard_size=shard_size,
                        group_size=group_size, output_format=output_format, pipeline=pipeline,
                        pipeline_factory=pipeline_factory, progress=progress, log=log)


def _run_job(input: str, output: str, store: _Store, *, resume, address, workers, cpus_per_worker, gpus_per_worker,
             shard_size, group_size, output_format, pipeline, pipeline_factory, progress, log) -> RunSummary:
    existing = set(store.list(store.root))
    ours = {n for n in existing if n.startswith(PART_PREFIX) or n == MANIFEST}
    if ours and not resume:
        raise InputError(f"{output}: already holds part files of a job: add --resume to go on with it, "
                         "or name a new folder.")
    summary = RunSummary()
    shards = list(scan_input(input, shard_size))
    manifest = Manifest(input=input, output_format=output_format, shard_size=shard_size,
                        shards=[[s.index, s.key, len(s.ids)] for s in shards], options=dict(pipeline or {}))
    previous = Manifest.read(store) if resume else None
    if previous is not None and previous.options != manifest.options:
        log(f"resume: the model options differ from the earlier run's ({previous.options}); "
            "the shards already done keep their results.")
    names = manifest.part_names()
    summary.records, summary.shards = sum(len(s.ids) for s in shards), len(shards)
    summary.stale_parts = len({n for n in existing if n.startswith(PART_PREFIX)} - set(names))
    decode = _CODECS[output_format][1]
    done, todo, done_records = [], [], []
    for shard, name in zip(shards, names, strict=True):
        if name not in existing:
            todo.append(shard)
            continue
        records, damage = _read_part(store, name, decode, shard.key, len(shard.ids))
        if damage is not None:  # edited, cut or injected: its shard is done again, from INPUT
            log(f"resume: {damage}: its shard is done again.")
            store.remove(store.join(name))
            todo.append(shard)
            continue
        done.append(shard)
        done_records.append(records)
    summary.skipped = sum(len(s.ids) for s in done)
    if resume and done:
        log(f"resume: {summary.skipped} of {summary.records} records ({len(done)} of {len(shards)} shards) "
            f"already in {output}")
    if summary.stale_parts:
        log(f"note: {summary.stale_parts} part file(s) in {output} are not from this input's shards "
            "(an earlier version of it?): left in place, never read by `summarizer merge`.")
    if todo and address is None and pipeline_factory is None:
        _check_translation_model(pipeline or {})
    store.makedirs(store.root)
    manifest.write(store)
    summary.skipped_failed = sum(sum(r.get("error") is not None for r in records) for records in done_records)
    if todo:
        _run_on_ray(todo, summary, input=input, output=output, address=address, workers=workers,
                    cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker, group_size=group_size,
                    output_format=output_format, pipeline=pipeline, pipeline_factory=pipeline_factory,
                    progress=progress, log=log)
        for name in store.list(store.root):  # what writes killed midway left (a live one's rename would fail)
            if name.startswith("." + PART_PREFIX) and name.endswith(".tmp"):
                store.remove(store.join(name))
    _write_run_log(store, summary)
    if summary.changed:
        raise InputError(f"{summary.changed[0]}" + (f" (and {len(summary.changed) - 1} more shard(s))"
                         if len(summary.changed) > 1 else "")
                         + ": the shards done are kept; run the batch again with --resume.")
    return summary


def _check_translation_model(options: dict) -> None:
    """On this machine, the workers' disk is ours: a translation model they could not load (which
    Pipeline refuses to run without) fails here in one line, before Ray starts."""
    from .engines.source import ModelSource
    from .options import DEFAULT_TRANSLATION_MODEL

    model = options.get("translation_model", DEFAULT_TRANSLATION_MODEL)
    if model:
        ModelSource.resolve(model).check("translation")


def _run_on_ray(todo: list[Shard], summary: RunSummary, *, input: str, output: str, address, workers,
                cpus_per_worker, gpus_per_worker, group_size, output_format, pipeline, pipeline_factory,
                progress, log) -> None:
    started = time.perf_counter()
    ray = _start_ray(address, quiet=not progress)
    summary.startup_seconds = time.perf_counter() - started
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = progress
        ctx.print_on_execution_start = progress
        resources = ray.cluster_resources()
        fits = int(resources.get("GPU", 0) / gpus_per_worker if gpus_per_worker else
                   resources.get("CPU", 1) / cpus_per_worker)
        if workers is None:
            workers = max(1, fits)
        elif workers > fits:
            log(f"note: the cluster has room for {fits} of the {workers} workers now "
                f"({resources.get('CPU', 0):g} CPUs, {resources.get('GPU', 0):g} GPUs): the others start when "
                "nodes join (an autoscaling cluster adds them)")
        workers = min(workers, len(todo))
        summary.workers = workers
        job = {"output": _absolute(output), "output_format": output_format, "group_size": group_size,
               "pipeline": pipeline or {}, "pipeline_factory": pipeline_factory, "cpus_per_worker": cpus_per_worker}
        pool = {"workers": workers, "cpus": cpus_per_worker, "gpus": gpus_per_worker}
        finished: set[int] = set()
        pids: dict[tuple[str, int], int] = {}
        for row in _through_workers(ray, [{"shard": s.to_json()} for s in todo], job, retries=TASK_RETRIES, **pool):
            stats = json.loads(row["stats"])
            if stats["index"] in finished:
                continue
            finished.add(stats["index"])
            if "changed" in stats:
                summary.changed.append(stats["changed"])
                continue
            summary.done += stats["done"]
            summary.failed += stats["failed"]
            summary.nodes[stats["node"]] = summary.nodes.get(stats["node"], 0) + 1
            pids[(stats["node"], stats["pid"])] = pids.get((stats["node"], stats["pid"]), 0) + 1
        summary.worker_pids = sorted([node, pid, n] for (node, pid), n in pids.items())  # > workers: restarts
        missing = [s for s in todo if s.index not in finished]  # failed as a whole: every attempt's worker died
        if missing:
            log(f"{len(missing)} shard(s) failed as a whole (a worker died on them {1 + TASK_RETRIES} times): "
                "redoing them one record per task")
            _rescue(ray, missing, summary, job, pool)
        summary.shards_run = len(todo)
    finally:
        summary.seconds = time.perf_counter() - started
        if ray.is_initialized():
            ray.shutdown()


def _through_workers(ray, rows: list[dict], job: dict, *, workers: int, cpus: int, gpus: float, retries: int,
                     blocks: int = 1000) -> Iterator[dict]:
    """``rows`` through a fixed pool of ShardWorker actors, one row per call; their outputs as they come.

    A worker that dies is restarted (models loaded again) and its calls are retried ``retries`` times;
    a row that still fails is dropped (``max_errored_blocks``: the caller sees it missing).
    """
    ray.data.DataContext.get_current().max_errored_blocks = -1
    dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), blocks))
    with warnings.catch_warnings():
        # Ray 2.60 names no parameter for an actor's restarts and retries: they go in **ray_remote_args,
        # deprecated from 2.60 and removed in 2.64 (the ray extra stays below it).
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
        dataset = dataset.map_batches(
            ShardWorker, fn_constructor_kwargs={"job": job}, batch_size=1, batch_format="numpy",
            # One shard at a time per actor: a shard is minutes of work, and a second one queued
            # behind it would wait there while another actor idles (and be redone if this one dies).
            compute=ray.data.ActorPoolStrategy(size=max(1, min(workers, len(rows))), max_tasks_in_flight_per_actor=1),
            num_cpus=cpus, num_gpus=gpus or None, max_restarts=-1, max_task_retries=retries,
        )
    try:
        yield from dataset.iter_rows()
    except Exception as exc:
        reason = _setup_failure(exc)
        if reason is None:
            raise
        raise WorkerSetupError(f"the workers could not start: {reason}") from None


def _setup_failure(exc: BaseException) -> str | None:
    """The message of the WorkerSetupError that ``exc`` reports, if it does.

    Ray hands the driver an ActorDiedError whose text holds the worker's traceback (not the exception
    object): the message is the text after the exception's qualified name.
    """
    marker = f"{WorkerSetupError.__module__}.{WorkerSetupError.__name__}: "
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, WorkerSetupError):
            return str(current)
        text = str(current)
        if marker in text:
            return text.rsplit(marker, 1)[1].strip().splitlines()[0]
        stack += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return None


def _rescue(ray, shards: list[Shard], summary: RunSummary, job: dict, pool: dict) -> None:
    """Each record of ``shards`` in a task of its own: a record that kills its worker every time is
    written as an error and no other record is lost. The driver writes these shards' part files."""
    store = _Store(job["output"])
    items = [{"record": json.dumps({"shard": s.to_json(), "position": p})} for s in shards for p in range(len(s.ids))]
    outputs: dict[tuple[int, int], dict] = {}
    changed: dict[int, str] = {}
    for row in _through_workers(ray, items, job, retries=RECORD_RETRIES, blocks=len(items), **pool):
        item = json.loads(row["out"])
        if "changed" in item:
            changed[item["index"]] = item["changed"]
        else:
            outputs[(item["index"], item["position"])] = item["record"]
    summary.changed += sorted(set(changed.values()))
    encode = _CODECS[job["output_format"]][0]
    for shard in shards:
        if shard.index in changed:
            continue
        records = []
        for position, record_id in enumerate(shard.ids):
            record = outputs.get((shard.index, position)) or {
                "id": record_id,
                "error": f"The worker process died on this article {1 + RECORD_RETRIES} time(s) "
                         f"(and on its shard {1 + TASK_RETRIES} times): it was not summarised.",
            }
            records.append(record)
        store.write_atomic(store.join(shard.part_name(job["output_format"])), encode(records))
        summary.done += len(records)
        summary.failed += sum(r.get("error") is not None for r in records)
        summary.rescued_shards += 1


def _absolute(location: str) -> str:
    return location if "://" in location else os.path.abspath(location)


def _write_run_log(store: _Store, summary: RunSummary) -> None:
    folder = store.join(RUNS)
    store.makedirs(folder)
    name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{uuid.uuid4().hex[:6]}.json"
    data = {**asdict(summary), "articles_per_second": summary.articles_per_second}
    store.write_atomic(f"{folder}/{name}" if not store.local else os.path.join(folder, name),
                       json.dumps(data, indent=1).encode("utf-8"))


def read_run_logs(output: str) -> list[dict]:
    """The summaries of the runs that wrote OUTPUT, oldest first."""
    store = _Store(output)
    folder = store.join(RUNS)
    return [json.loads(store.read(_join(folder, name))) for name in store.list(folder) if name.endswith(".json")]


# ---------------------------------------------------------------------------------------------
# Command line (options added to ``summarizer batch``; ``summarizer merge``)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 0 and 64, not {value}")
    return value


def add_ray_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--ray`` options of ``summarizer batch``."""
    group = parser.add_argument_group(
        "Ray (docs/distributed.md)",
        "With --ray, INPUT is a JSONL or Parquet file or a folder of .jsonl/.txt/.parquet files, and OUTPUT "
        "a folder of part files (read it with `summarizer merge`); both may be URIs (s3://, gs://).",
    )
    group.add_argument("--ray", action="store_true", help="run on Ray: this machine's cores, or --ray-address")
    group.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster (implies --ray)")
    group.add_argument("--workers", type=int_range(1, 100_000), default=None, metavar="N",
                       help="actors, each holding the models (default: as many as the cluster's CPUs allow)")
    group.add_argument("--cpus-per-worker", type=int_range(1, 1024), default=1, metavar="C",
                       help="CPU cores per worker (default 1; on 2 cores, 2 workers x 1 core were fastest)")
    group.add_argument("--gpus-per-worker", type=_positive_float, default=0, metavar="G",
                       help="GPUs per worker (0.5: two share one; with --device cuda)")
    group.add_argument("--shard-size", type=int_range(1, 100_000), default=DEFAULT_SHARD_SIZE, metavar="N",
                       help=f"records per part file: the unit of work and of retry (default {DEFAULT_SHARD_SIZE})")
    group.add_argument("--output-format", choices=OUTPUT_FORMATS, default="jsonl", help="part files' format")


def cmd_batch_ray(args: argparse.Namespace) -> int:
    """``summarizer batch ... --ray``: 0 when every record of OUTPUT succeeded, 1 when some failed."""
    if getattr(args, "overwrite", False):
        raise InputError(f"{args.output}: --overwrite is for the one-machine batch: with --ray, name a new folder "
                         "(or remove this one) to start again, or add --resume to go on with it.")
    pipeline = pipeline_kwargs(args)
    if args.gpus_per_worker and pipeline.get("device") == "cpu":  # GPUs asked for: use them
        pipeline["device"] = "cuda"
        print(f"--gpus-per-worker {args.gpus_per_worker:g}: the workers run the models on the GPU "
              "(--device cuda).", file=sys.stderr)
    summary = run(
        args.input, args.output, resume=args.resume, address=args.ray_address, workers=args.workers,
        cpus_per_worker=args.cpus_per_worker, gpus_per_worker=args.gpus_per_worker, shard_size=args.shard_size,
        group_size=args.group_size, output_format=args.output_format, pipeline=pipeline,
        progress=not args.quiet,
    )
    print(summary.line(args.output), file=sys.stderr)
    return 1 if summary.exit_failed else 0


def add_merge_command(sub) -> None:
    merge_parser = sub.add_parser(
        "merge", help="the part files of `batch --ray` as one JSONL file, each id once, in input order",
    )
    merge_parser.add_argument("output", metavar="OUTPUT", help="the folder `summarizer batch --ray` wrote")
    merge_parser.add_argument("file", metavar="FILE.jsonl", help="the JSONL file to write")
    merge_parser.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    """0 when OUTPUT is complete and every record succeeded; 1 when shards are missing or damaged, or
    records failed."""
    report = merge(args.output, args.file)
    print(f"merge: {report.records} records ({report.failed} failed) -> {args.file}", file=sys.stderr)
    if report.missing_shards:
        print(f"merge: {report.missing_shards} shard(s), {report.missing_records} records, are not done yet: "
              "run the batch again with --resume", file=sys.stderr)
    for damage in report.damaged:
        print(f"merge: {damage}: its records were left out; run the batch again with --resume to redo its shard",
              file=sys.stderr)
    if report.repeated:
        print(f"merge: {report.repeated} record(s) with an id already written were left out", file=sys.stderr)
    return 1 if report.missing_shards or report.damaged or report.failed else 0
