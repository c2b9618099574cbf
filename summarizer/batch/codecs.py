"""Part files' formats: JSON lines (as the one-machine batch writes them) or Parquet, whose schema is
derived from ``Result``'s types (``summarizer.result.record_schema``)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from ..result import from_row, record_schema, to_row
from .writer import json_line


def encode_jsonl(records: Iterable[dict]) -> bytes:
    """JSON lines, UTF-8, as the one-machine batch writes them (``writer.json_line``)."""
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
    if isinstance(value, tuple):  # a map column's (key, value) pairs stay pairs
        return tuple(_scrub(v) for v in value)
    if isinstance(value, list):
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


CODECS = {"jsonl": (encode_jsonl, decode_jsonl), "parquet": (encode_parquet, decode_parquet)}
