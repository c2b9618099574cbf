"""Batches of articles: the one-machine batch (``summarizer batch IN OUT``) and the batch on Ray
(``--ray``), over one reader of records and one writer of results.

* ``records``: INPUT's records (JSONL, Parquet, standard input, a folder of those and of documents
  read by ``summarizer.inputs.documents``' readers), with unique ids: what both batches read.
* ``writer``: the one-machine OUTPUT (JSON lines, durable as each is written, resumable).
* ``storage``: local paths and pyarrow filesystems (s3://, gs://) behind a few operations.
* ``shards``: the Ray job's plan (shards of INPUT), its manifest, part files and their merge.
* ``codecs``: the part files' formats (JSONL, Parquet with the schema of ``Result``'s types).
* ``work``: a shard's records through a pipeline, one failure costing only its record.
* ``job``: the Ray job (actors, retries, the per-record rescue pass).
* ``commands``: the ``--ray`` options and ``summarizer merge``.

Nothing here imports Ray at module level: the one-machine batch never loads it.
"""
