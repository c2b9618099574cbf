"""The one-machine batch's reader and writer, by their former module name: see ``summarizer.batch``
(``records`` reads INPUT, ``writer`` writes OUTPUT)."""

from __future__ import annotations

import os  # noqa: F401  (``batchfile.os``: what the writer's fsync goes through)

from .batch.records import STDIN, Record, assign_ids, parse_line, read_records, skipped_in_folder
from .batch.writer import OutputState, ResultWriter, json_line, read_output

__all__ = ["STDIN", "OutputState", "Record", "ResultWriter", "assign_ids", "json_line", "parse_line",
           "read_output", "read_records", "skipped_in_folder"]
