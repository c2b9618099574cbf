"""Records through a pipeline, as a Ray worker does a shard: in full groups, one failure costing only
its record (``summarizer.isolation``, the retry policy ``Pipeline.batch`` follows)."""

from __future__ import annotations

from ..choices import GROUP_SIZES
from ..isolation import each_alone_on_failure, failure_message
from .records import Record


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

    def run(group: list[Record]) -> list[dict]:
        items = [{"id": r.id, "text": r.text} for r in group]
        # A shard's part file is written whole: full groups from the start (no growing 1, 2, 4...).
        results = [result.to_dict() for result in
                   pipeline.batch(items, group_size=group_size, grow=False, progress=False)]
        if len(results) != len(group):
            raise RuntimeError(f"the pipeline returned {len(results)} results for {len(group)} records")
        return results

    def failed(record: Record, exc: Exception) -> dict:
        return {"id": record.id, "error": failure_message(exc)}

    for first in range(0, len(readable), group_size):
        group = readable[first : first + group_size]
        for position, result in zip(group, each_alone_on_failure(run, [records[p] for p in group], failed),
                                    strict=True):
            out[position] = result
    return out  # type: ignore[return-value]
