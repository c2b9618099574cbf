"""The batch on Ray, by its former module name: see ``summarizer.batch`` (``job``, ``shards``,
``storage``, ``codecs``, ``work``, ``commands``) and docs/distributed.md.

A name set here (as a test's ``monkeypatch.setattr(distributed, ...)`` does) is set in the batch
module that uses it too, so that this name keeps standing for the code it used to hold.
"""

from __future__ import annotations

import sys
import types

from .batch import codecs, commands, job, records, shards, storage, work
from .batch.codecs import CODECS as _CODECS
from .batch.codecs import decode_jsonl, decode_parquet, encode_jsonl, encode_parquet
from .batch.commands import add_merge_command, add_ray_arguments, cmd_batch_ray, cmd_merge
from .batch.job import (
    LOCAL_OBJECT_STORE_BYTES,
    PROPAGATED_ENV,
    RECORD_RETRIES,
    RUNS,
    TASK_RETRIES,
    RunSummary,
    ShardWorker,
    _import_ray,
    _rescue,
    _run_on_ray,
    _setup_failure,
    _start_ray,
    _through_workers,
    read_run_logs,
    run,
)
from .batch.records import Record, parse_line
from .batch.shards import (
    DEFAULT_SHARD_SIZE,
    MANIFEST,
    OUTPUT_FORMATS,
    PART_PREFIX,
    Manifest,
    OutputReport,
    Shard,
    ids_key,
    merge,
    read_output,
    read_shard,
    scan_input,
)
from .batch.storage import Store as _Store
from .batch.work import summarize_records
from .errors import InputError, RayUnavailable, WorkerSetupError

_HOMES = (job, shards, storage, codecs, work, records, commands)


class _Alias(types.ModuleType):
    """Setting a name here sets it in every batch module that holds it (where the code looks it up)."""

    def __setattr__(self, name: str, value) -> None:
        for home in _HOMES:
            if name in vars(home):
                setattr(home, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Alias

__all__ = [
    "DEFAULT_SHARD_SIZE", "LOCAL_OBJECT_STORE_BYTES", "MANIFEST", "OUTPUT_FORMATS", "PART_PREFIX", "PROPAGATED_ENV",
    "RECORD_RETRIES", "RUNS", "TASK_RETRIES", "_CODECS", "InputError",
    "Manifest", "OutputReport", "RayUnavailable", "Record", "RunSummary", "Shard", "ShardWorker",
    "WorkerSetupError", "_Store", "_import_ray", "_rescue", "_run_on_ray", "_setup_failure", "_start_ray",
    "_through_workers", "add_merge_command", "add_ray_arguments", "cmd_batch_ray", "cmd_merge", "decode_jsonl",
    "decode_parquet", "encode_jsonl", "encode_parquet", "ids_key", "merge", "parse_line", "read_output",
    "read_run_logs", "read_shard", "run", "scan_input", "summarize_records",
]
