"""The batch on Ray Data (a cluster, or every core of one machine): every id exactly once.

``run(INPUT, OUTPUT)`` plans the shards (``shards.scan_input``), writes the manifest, and has Ray
Data run a pool of actors over the shard descriptors (not the texts): each actor holds one loaded
``Pipeline``, reads its shard from INPUT, summarises it (``work.summarize_records``) and writes the
shard's part file atomically (``storage.Store.write_atomic``). A part file is there whole or not at
all.

* A task retried after a worker died, a zombie task of a killed driver and a rerun all write the
  *same* file name with the same records: the last rename wins and nothing is ever duplicated.
  ``--resume`` skips the shards whose part file exists (and is what the manifest says).
* A record that fails is written with an ``error`` field, as in the one-machine batch; work that
  raises inside a group is retried record by record (``summarizer.isolation``). A record that kills
  its worker process (a crash, not an exception) makes Ray retry its shard a few times; a shard
  still missing after the pass is redone one record per task, and a record that kills every
  attempt is written as an error.

Ray is imported inside the functions that need it, and only there.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import (
    ClusterUnreachable,
    InputError,
    RayUnavailable,
    SummarizerError,
    WorkerSetupError,
)
from ..outputs import JobLock, check_output_folder
from .codecs import CODECS
from .records import skipped_in_folder
from .shards import (
    DEFAULT_SHARD_SIZE,
    MANIFEST,
    OUTPUT_FORMATS,
    PART_PREFIX,
    Manifest,
    Shard,
    read_part,
    read_shard,
    scan_input,
)
from .storage import Store, absolute, join
from .work import summarize_records

RUNS = "_runs"  # one JSON summary per run: counts, speed, which node did which shard
TASK_RETRIES = 2  # a shard whose worker dies is tried 1 + TASK_RETRIES times before the per-record pass
RECORD_RETRIES = 1  # in the per-record pass, a record whose worker dies is tried 1 + RECORD_RETRIES times
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2  # shards travel as descriptors, results as files: little to hold
PROPAGATED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_VERBOSITY", "TOKENIZERS_PARALLELISM")


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
    changed: list = field(default_factory=list)  # shards whose input changed or cannot be read: not written

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
        self.output = Store(job["output"])
        self.encode = CODECS[job["output_format"]][0]
        factory = job.get("pipeline_factory")
        with _threads_for_loading(job.get("cpus_per_worker") or 0):
            try:
                if factory is not None:
                    self.pipeline = factory()
                else:
                    from ..pipeline import Pipeline

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
            records = CODECS[self.job["output_format"]][1](self.output.read(part))
            stats["reused"] = True
        else:
            try:
                inputs = read_shard(shard)
            except InputError as exc:  # changed since the scan, or unreadable (a damaged row group): no part
                # can be right for this shard; the driver stops the job, naming the file
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
        except InputError as exc:  # as in _shard
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
    store = Store(output)
    if store.kind(store.root) == "file":
        raise InputError(f"{output}: is a file; --ray writes a folder of part files.")
    check_output_folder(output, input=input)
    # One job per OUTPUT: a lock file beside the folder (local folders; an object store has no flock).
    with JobLock(store.root) if store.local else contextlib.nullcontext():
        return _run_job(input, output, store, resume=resume, address=address, workers=workers,
                        cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker, shard_size=shard_size,
                        group_size=group_size, output_format=output_format, pipeline=pipeline,
                        pipeline_factory=pipeline_factory, progress=progress, log=log)


def _run_job(input: str, output: str, store: Store, *, resume, address, workers, cpus_per_worker, gpus_per_worker,
             shard_size, group_size, output_format, pipeline, pipeline_factory, progress, log) -> RunSummary:
    existing = set(store.list(store.root))
    ours = {n for n in existing if n.startswith(PART_PREFIX) or n == MANIFEST}
    if ours and not resume:
        raise InputError(f"{output}: already holds part files of a job: add --resume to go on with it, "
                         "or name a new folder.")
    summary = RunSummary()
    shards = list(scan_input(input, shard_size))
    skipped = skipped_in_folder(input)
    if skipped:
        log(f"warning: {skipped}")
    manifest = Manifest(input=input, output_format=output_format, shard_size=shard_size,
                        shards=[[s.index, s.key, len(s.ids)] for s in shards], options=dict(pipeline or {}))
    previous = Manifest.read(store) if resume else None
    if previous is not None and previous.options != manifest.options:
        log(f"resume: the model options differ from the earlier run's ({previous.options}); "
            "the shards already done keep their results.")
    names = manifest.part_names()
    summary.records, summary.shards = sum(len(s.ids) for s in shards), len(shards)
    summary.stale_parts = len({n for n in existing if n.startswith(PART_PREFIX)} - set(names))
    decode = CODECS[output_format][1]
    done, todo, done_records = [], [], []
    for shard, name in zip(shards, names, strict=True):
        if name not in existing:
            todo.append(shard)
            continue
        records, damage = read_part(store, name, decode, shard.key, len(shard.ids))
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
        raise InputError(summary.changed[0].rstrip(".") + (f" (and {len(summary.changed) - 1} more shard(s))"
                         if len(summary.changed) > 1 else "")
                         + ": the shards done are kept; run the batch again with --resume.")
    return summary


def _check_translation_model(options: dict) -> None:
    """On this machine, the workers' disk is ours: a translation model they could not load (which
    Pipeline refuses to run without) fails here in one line, before Ray starts."""
    from ..engines.source import ModelSource
    from ..options import DEFAULT_TRANSLATION_MODEL

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
        job = {"output": absolute(output), "output_format": output_format, "group_size": group_size,
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
    store = Store(job["output"])
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
    encode = CODECS[job["output_format"]][0]
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


def _write_run_log(store: Store, summary: RunSummary) -> None:
    folder = store.join(RUNS)
    store.makedirs(folder)
    name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{uuid.uuid4().hex[:6]}.json"
    data = {**asdict(summary), "articles_per_second": summary.articles_per_second}
    store.write_atomic(join(folder, name) if not store.local else os.path.join(folder, name),
                       json.dumps(data, indent=1).encode("utf-8"))


def read_run_logs(output: str) -> list[dict]:
    """The summaries of the runs that wrote OUTPUT, oldest first."""
    store = Store(output)
    folder = store.join(RUNS)
    return [json.loads(store.read(join(folder, name))) for name in store.list(folder) if name.endswith(".json")]
