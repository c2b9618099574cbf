"""The Ray batch's plan and its output: INPUT cut into shards, the manifest that lists them, the part
files checked against it, and the reader and merge that follow it.

* The driver reads INPUT once (ids only, no text kept: ``records`` reads them, as the one-machine
  batch does) and cuts it into **shards** of consecutive records, in input order, never across files
  (nor Parquet row groups). A shard is named by its position and a hash of its ids:
  ``part-00000012-3fa9c1d2e4b5a6f7.jsonl``. The same input always gives the same shards.
* ``OUTPUT/_manifest.json`` lists the shards; ``read_output`` follows it, so it yields each id
  once and in input order, and ignores part files of an older input or that were damaged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputChanged, InputError
from .codecs import CODECS, encode_jsonl
from .records import (
    Record,
    assign_ids,
    folder_parts,
    jsonl_lines,
    open_parquet,
    parquet_ids,
    parquet_row_group,
    parse_line,
    read_document_record,
    reading,
    reason_of,
    row_record,
)
from .storage import Store, absolute, join

MANIFEST = "_manifest.json"
PART_PREFIX = "part-"
OUTPUT_FORMATS = ("jsonl", "parquet")
DEFAULT_SHARD_SIZE = 64


@dataclass
class Shard:
    """Consecutive records of one input file: the unit of work, of retry and of output."""

    index: int
    kind: str  # "jsonl" | "txt" (documents, one record a file) | "parquet"
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
    renamed: dict[str, str] = field(default_factory=dict)  # position -> made-up id that met a real one

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
    """The shards of ``source``: a JSONL file, a Parquet file, or a folder (``records.folder_parts``).

    Reads every id once (the texts are left where they are, for the workers), and gives them as the
    one-machine batch does (``records.assign_ids``): a made-up id never equals a real one, and an id
    seen before makes its record a per-record error (the first one wins).
    """
    store = Store(source)
    kind = store.kind(store.root)
    if kind == "missing" and (source == "-" or (store.local and os.path.exists(store.root))):
        raise InputError(f"{source}: not a regular file or folder (standard input, a FIFO...): --ray reads INPUT "
                         "more than once (each worker reads its shards from it): save it to a file first.")
    if kind == "missing":
        raise InputError(f"{source}: no such file or folder.")
    shown_root = source if "://" in source else str(Path(source))
    template = {"source": absolute(source)}
    items: list[_Item] = []
    if kind == "dir":
        shown_dir = shown_root.rstrip("/")
        for part in folder_parts(store.list(store.root), source):
            if part.kind == "txt":
                items += _scan_documents(store, {**template, "path": store.root, "shown": shown_dir}, part.names)
            else:
                (name,) = part.names
                items += _scan_file(store, template, store.join(name), f"{shown_dir}/{name}", part.fallback_prefix)
        for item in items:
            item.record.line = None  # as records.read_records: known by position in a folder
    else:
        items = list(_scan_file(store, template, store.root, shown_root, ""))
    parsed = [item.record.id for item in items]
    assign_ids([item.record for item in items])
    batch: list[_Item] = []
    index = 0
    for position, item in enumerate(items):
        item.parsed_id = parsed[position]
        if batch and batch[0].template is not item.template:  # another file, or a Parquet row group
            yield _make_shard(index, batch)
            index, batch = index + 1, []
        batch.append(item)
        if len(batch) == shard_size:
            yield _make_shard(index, batch)
            index, batch = index + 1, []
    if batch:
        yield _make_shard(index, batch)


@dataclass
class _Item:
    """What the scan keeps of one record: its record (without its text) and where it is."""

    record: Record
    template: dict  # the Shard fields that locate it (kind, path, shown, ...): one object per file / row group
    start: int = 0
    stop: int = 0
    number: int = 0  # jsonl: line
    name: str = ""  # txt
    parsed_id: str = ""  # the id as read, before assign_ids made a colliding made-up one unique


def _make_shard(index: int, items: list[_Item]) -> Shard:
    first, last = items[0], items[-1]
    shard = Shard(index=index, ids=[i.record.id for i in items], **first.template)
    if shard.kind == "jsonl":
        shard.start, shard.stop, shard.line = first.start, last.stop, first.number
    elif shard.kind == "parquet":
        shard.start, shard.stop = first.start, last.start + 1
    else:
        shard.names = [i.name for i in items]
    for position, item in enumerate(items):
        if item.record.duplicate_of_line is not None:
            shard.repeats[str(position)] = item.record.error or ""
        elif item.record.id != item.parsed_id:
            shard.renamed[str(position)] = item.record.id
    return shard


def _scan_documents(store: Store, template: dict, names: list[str]) -> list[_Item]:
    template = {**template, "kind": "txt"}
    from .records import document_id

    return [_Item(Record(document_id(name), where=f"{template['shown']}/{name}"), template, name=name)
            for name in names]


def _scan_file(store: Store, template: dict, path: str, shown: str, prefix: str) -> list[_Item]:
    if path.lower().endswith(".parquet"):
        return _scan_parquet(store, template, path, shown, prefix)
    template = {**template, "kind": "jsonl", "path": path, "shown": shown, "fallback_prefix": prefix}
    items = []
    with reading(shown), store.open(path) as handle:
        for number, start, stop, raw in jsonl_lines(store.lines(handle)):
            record = parse_line(raw, number, shown, prefix)
            record.text = None  # the workers read it again: the driver keeps ids only
            items.append(_Item(record, template, start=start, stop=stop, number=number))
    return items


def _scan_parquet(store: Store, template: dict, path: str, shown: str, prefix: str) -> list[_Item]:
    items = []
    with reading(shown), store.open(path) as handle:
        parquet = open_parquet(handle, shown)
        row = 0
        for group in range(parquet.num_row_groups):
            ids = parquet_ids(parquet, group, shown)
            group_template = {**template, "kind": "parquet", "path": path, "shown": shown, "line": group,
                              "row": row + 1, "fallback_prefix": prefix}
            for offset, value in enumerate(ids):
                row += 1
                record = row_record(value, "", row, shown, prefix)  # the text is read by the workers
                record.text = None
                items.append(_Item(record, group_template, start=offset))
    return items


_ROW_GROUPS: dict[tuple[str, int], Any] = {}  # a worker's last row groups: shards of one group share a read


def read_shard(shard: Shard, store: Store | None = None) -> list[Record]:
    """The records of ``shard``, in input order (what the scan saw, or an error if INPUT changed since)."""
    store = store or Store(shard.source)
    if shard.kind == "jsonl":
        with reading(shard.shown):
            data = store.read(shard.path, shard.start, shard.stop - shard.start)
        lines = data.split(b"\n")  # as a binary file splits its lines: at \n only
        if lines and not lines[-1]:
            lines.pop()
        records = []
        for number, raw in enumerate(lines, shard.line):
            if raw.strip():
                records.append(parse_line(raw, number, shard.shown, shard.fallback_prefix))
    elif shard.kind == "txt":
        records = [read_document_record(store, join(shard.path, n), f"{shard.shown}/{n}") for n in shard.names]
    else:
        records = _read_parquet_rows(store, shard)
    for position, record_id in shard.renamed.items():
        if int(position) < len(records):
            records[int(position)].id = record_id
    if [r.id for r in records] != shard.ids:
        raise InputChanged(f"{shard.shown} changed while the job ran (shard {shard.index} no longer holds "
                           "the ids it was planned with)")
    for position, error in shard.repeats.items():
        records[int(position)] = Record(records[int(position)].id, error=error)
    return records


def _read_parquet_rows(store: Store, shard: Shard) -> list[Record]:
    key = (shard.path, shard.line)
    table = _ROW_GROUPS.get(key)
    if table is None:
        with reading(shard.shown), store.open(shard.path) as handle:
            table = parquet_row_group(open_parquet(handle, shard.shown), shard.line, shard.shown)
        _ROW_GROUPS.clear()  # one row group at a time: consecutive shards mostly share it
        _ROW_GROUPS[key] = table
    rows = table.slice(shard.start, shard.stop - shard.start).to_pylist()
    return [row_record(row.get("id"), row.get("text"), shard.row + shard.start + offset, shard.shown,
                       shard.fallback_prefix) for offset, row in enumerate(rows)]


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
    def read(cls, store: Store) -> Manifest | None:
        path = store.join(MANIFEST)
        if store.kind(path) != "file":
            return None
        try:
            manifest = cls(**json.loads(store.read(path)))
            if manifest.output_format not in OUTPUT_FORMATS or not all(
                    isinstance(s, list) and len(s) == 3 and [type(v) for v in s] == [int, str, int]
                    for s in manifest.shards):
                raise ValueError("its output format or its list of shards is not one that --ray writes")
        except (OSError, ValueError, TypeError, RecursionError) as exc:
            raise InputError(f"{path}: not a manifest this version reads ({reason_of(exc)}); the part files "
                             "beside it cannot be checked without it.") from None
        return manifest

    def write(self, store: Store) -> None:
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


def read_part(store: Store, name: str, decode, key: str, count: int) -> tuple[list[dict], str | None]:
    """A part file's records, checked against the manifest's entry (its ids' hash, their count).

    Returns the records and None, or no records and what is wrong, naming the file: a part that was
    cut, edited, or given records of another shard is never taken for its shard's results.
    """
    try:
        records = decode(store.read(store.join(name)))
    except Exception as exc:  # any decoder's error (JSON, Parquet): the file is not whole
        return [], f"{store.join(name)} cannot be read ({reason_of(exc)})"
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
    store = Store(output)
    if store.kind(store.root) == "missing":
        raise InputError(f"{output}: no such folder.")
    manifest = Manifest.read(store)
    if manifest is None:
        raise InputError(f"{output}: no {MANIFEST} here: not the output of `summarizer batch --ray`.")
    report = report if report is not None else OutputReport()
    decode = CODECS[manifest.output_format][1]
    present = set(store.list(store.root))
    seen: set[str] = set()
    for name, (_, key, count) in zip(manifest.part_names(), manifest.shards, strict=True):
        if name not in present:
            report.missing_shards += 1
            report.missing_records += count
            continue
        records, damage = read_part(store, name, decode, key, count)
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
