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
  its worker process (a crash, not an exception) makes Ray restart the worker and retry its shard,
  ``1 + TASK_RETRIES`` times in all (counted by a small actor, ``_Attempts``); a shard given up is
  redone one record per task, and a record that kills every attempt is written as an error.
* A worker that cannot build its pipeline (a model it cannot load) answers every row with that
  failure's code and message: the driver stops the job on the first such row, in one line.

Ray is imported inside the functions that need it, and only there.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
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
from .codecs import CODECS
from .outputs import JobLock, check_output_folder
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
    returns the records' outputs instead of writing anything. Every line is a JSON object; one
    with ``setup_failed`` says the pipeline could not be built, one with ``gave_up`` that the row
    had no attempt left (its earlier ones killed their workers).
    """

    setup_failed: dict | None = None  # {"code", "message"} of the SummarizerError building the pipeline raised
    attempts = None  # the pass's _Attempts actor; None (called without Ray): every row is tried

    def __init__(self, job: dict, attempts=None):
        self.job = job
        self.attempts = attempts
        self.output = Store(job["output"])
        self.encode = CODECS[job["output_format"]][0]
        try:
            self.pipeline = _build_pipeline(job)
        except SummarizerError as exc:  # said in every row this worker answers: the driver stops the job
            self.setup_failed = {"code": exc.code, "message": str(exc)}
            return
        import ray

        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict) -> dict:
        if "record" in batch:
            return {"out": [json.dumps(self._one_record(json.loads(text)), ensure_ascii=True)
                            for text in batch["record"]]}
        return {"stats": [json.dumps(self._shard(Shard.from_json(text))) for text in batch["shard"]]}

    def _may_try(self, key: str) -> bool:
        """Whether the row ``key`` has an attempt left: Ray retries a call whose worker died without limit."""
        if self.attempts is None:
            return True
        import ray

        return ray.get(self.attempts.begin.remote(key))

    def _shard(self, shard: Shard) -> dict:
        if self.setup_failed is not None:
            return {"index": shard.index, "setup_failed": self.setup_failed}
        started = time.perf_counter()
        part = self.output.join(shard.part_name(self.job["output_format"]))
        stats = {"index": shard.index, "node": self.node, "pid": os.getpid(), "reused": False}
        if self.output.kind(part) == "file":  # a retry after the part was written: nothing to redo
            records = CODECS[self.job["output_format"]][1](self.output.read(part))
            stats["reused"] = True
        elif not self._may_try(str(shard.index)):
            return {**stats, "gave_up": True}
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

    def _one_record(self, item: dict) -> dict:
        shard = Shard.from_json(item["shard"])
        where = {"index": shard.index, "position": item["position"]}
        if self.setup_failed is not None:
            return {**where, "setup_failed": self.setup_failed}
        if not self._may_try(f"{shard.index}:{item['position']}"):
            return {**where, "gave_up": True}
        try:
            record = read_shard(shard)[item["position"]]
        except InputError as exc:  # as in _shard
            return {**where, "changed": str(exc)}
        (out,) = summarize_records(self.pipeline, [record], group_size=1)
        return {**where, "record": out}


def _build_pipeline(job: dict):
    """The worker's pipeline: the job's factory's, or a ``Pipeline`` of the job's options."""
    factory = job.get("pipeline_factory")
    with _threads_for_loading(job.get("cpus_per_worker") or 0):
        if factory is not None:
            return factory()
        from ..pipeline import Pipeline

        return Pipeline(**_pipeline_options(job))


class _Attempts:
    """How many times each row of a pass was begun, kept by one small actor that the workers ask.

    Ray Data restarts a worker that dies and retries its call without limit (its defaults: no
    argument that is not deprecated sets them), so a shard that kills every worker would be tried
    forever. Past ``limit`` attempts a worker gives the row up, and the driver redoes it in smaller
    pieces or writes the error. One actor holds the counts: the workers are separate processes.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.begun: dict[str, int] = {}

    def begin(self, key: str) -> bool:
        self.begun[key] = self.begun.get(key, 0) + 1
        return self.begun[key] <= self.limit


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
    """The job in its steps: plan the shards, keep those already done, run the others on Ray, log the run."""
    existing = set(store.list(store.root))
    _refuse_a_job_without_resume(existing, output, resume)
    summary = RunSummary()
    shards, manifest = _plan(input, shard_size, output_format, pipeline, log)
    if resume:
        _note_changed_options(store, manifest, log)
    todo = _shards_to_do(store, shards, manifest.part_names(), existing, summary, CODECS[output_format][1], log)
    _report_what_is_kept(summary, len(shards) - len(todo), output, resume, log)
    if todo and address is None and pipeline_factory is None:
        _check_translation_model(pipeline or {})
    store.makedirs(store.root)
    manifest.write(store)
    if todo:
        _run_on_ray(todo, summary, input=input, output=output, address=address, workers=workers,
                    cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker, group_size=group_size,
                    output_format=output_format, pipeline=pipeline, pipeline_factory=pipeline_factory,
                    progress=progress, log=log)
        _remove_torn_writes(store)
    _write_run_log(store, summary)
    _refuse_changed_shards(summary)
    return summary


def _refuse_a_job_without_resume(existing: set[str], output: str, resume: bool) -> None:
    """OUTPUT already holds a job's files: going on with them must be asked for (``--resume``)."""
    if not resume and any(n.startswith(PART_PREFIX) or n == MANIFEST for n in existing):
        raise InputError(f"{output}: already holds part files of a job: add --resume to go on with it, "
                         "or name a new folder.")


def _plan(input: str, shard_size: int, output_format: str, pipeline: dict | None,
          log: Callable[[str], None]) -> tuple[list[Shard], Manifest]:
    """INPUT's shards and the manifest that records them (and what a folder input skips, in a warning)."""
    shards = list(scan_input(input, shard_size))
    skipped = skipped_in_folder(input)
    if skipped:
        log(f"warning: {skipped}")
    manifest = Manifest(input=input, output_format=output_format, shard_size=shard_size,
                        shards=[[s.index, s.key, len(s.ids)] for s in shards], options=dict(pipeline or {}))
    return shards, manifest


def _note_changed_options(store: Store, manifest: Manifest, log: Callable[[str], None]) -> None:
    """A resumed job whose model options changed: the shards already done keep their results (said once)."""
    previous = Manifest.read(store)
    if previous is not None and previous.options != manifest.options:
        log(f"resume: the model options differ from the earlier run's ({previous.options}); "
            "the shards already done keep their results.")


def _shards_to_do(store: Store, shards: list[Shard], names: list[str], existing: set[str], summary: RunSummary,
                  decode: Callable[[bytes], list[dict]], log: Callable[[str], None]) -> list[Shard]:
    """The shards without a sound part file; ``summary`` counts the records and those already done.

    A part file that was edited, cut or injected is removed: its shard is done again, from INPUT.
    """
    done, todo = [], []
    for shard, name in zip(shards, names, strict=True):
        if name not in existing:
            todo.append(shard)
            continue
        records, damage = read_part(store, name, decode, shard.key, len(shard.ids))
        if damage is None:
            done.append((shard, records))
            continue
        log(f"resume: {damage}: its shard is done again.")
        store.remove(store.join(name))
        todo.append(shard)
    summary.records, summary.shards = sum(len(s.ids) for s in shards), len(shards)
    summary.stale_parts = len({n for n in existing if n.startswith(PART_PREFIX)} - set(names))
    summary.skipped = sum(len(shard.ids) for shard, _ in done)
    summary.skipped_failed = sum(sum(r.get("error") is not None for r in records) for _, records in done)
    return todo


def _report_what_is_kept(summary: RunSummary, done: int, output: str, resume: bool,
                         log: Callable[[str], None]) -> None:
    """Say how much of OUTPUT a resumed job keeps (``done`` shards), and the part files no shard names."""
    if resume and done:
        log(f"resume: {summary.skipped} of {summary.records} records ({done} of {summary.shards} shards) "
            f"already in {output}")
    if summary.stale_parts:
        log(f"note: {summary.stale_parts} part file(s) in {output} are not from this input's shards "
            "(an earlier version of it?): left in place, never read by `summarizer merge`.")


def _remove_torn_writes(store: Store) -> None:
    """What writes killed midway left (a live one's rename would fail: none is running now)."""
    for name in store.list(store.root):
        if name.startswith("." + PART_PREFIX) and name.endswith(".tmp"):
            store.remove(store.join(name))


def _refuse_changed_shards(summary: RunSummary) -> None:
    """Shards whose input changed (or could not be read) while the job ran: the job fails, naming them."""
    if summary.changed:
        more = f" (and {len(summary.changed) - 1} more shard(s))" if len(summary.changed) > 1 else ""
        raise InputError(summary.changed[0].rstrip(".") + more
                         + ": the shards done are kept; run the batch again with --resume.")


def _check_translation_model(options: dict) -> None:
    """On this machine, the workers' disk is ours: a translation model they could not load (which
    Pipeline refuses to run without) fails here in one line, before Ray starts."""
    from ..choices import DEFAULT_TRANSLATION_MODEL
    from ..engines.locate import ModelSource

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
        workers = _pool_size(ray, workers, cpus_per_worker, gpus_per_worker, log)
        summary.workers = workers = min(workers, len(todo))
        job = {"output": absolute(output), "output_format": output_format, "group_size": group_size,
               "pipeline": pipeline or {}, "pipeline_factory": pipeline_factory, "cpus_per_worker": cpus_per_worker}
        pool = {"workers": workers, "cpus": cpus_per_worker, "gpus": gpus_per_worker}
        finished = _shard_pass(ray, todo, summary, job, pool)
        missing = [s for s in todo if s.index not in finished]  # given up: every attempt's worker died
        if missing:
            log(f"{len(missing)} shard(s) failed as a whole (a worker died on them {1 + TASK_RETRIES} times): "
                "redoing them one record per task")
            _rescue(ray, missing, summary, job, pool)
        summary.shards_run = len(todo)
    finally:
        summary.seconds = time.perf_counter() - started
        if ray.is_initialized():
            ray.shutdown()


def _pool_size(ray, workers: int | None, cpus: int, gpus: float, log: Callable[[str], None]) -> int:
    """The workers asked for, or as many as the cluster has room for; a note when it has room for fewer."""
    resources = ray.cluster_resources()
    fits = int(resources.get("GPU", 0) / gpus if gpus else resources.get("CPU", 1) / cpus)
    if workers is None:
        return max(1, fits)
    if workers > fits:
        log(f"note: the cluster has room for {fits} of the {workers} workers now "
            f"({resources.get('CPU', 0):g} CPUs, {resources.get('GPU', 0):g} GPUs): the others start when "
            "nodes join (an autoscaling cluster adds them)")
    return workers


def _shard_pass(ray, todo: list[Shard], summary: RunSummary, job: dict, pool: dict) -> set[int]:
    """The shards of ``todo`` through the pool, counted in ``summary``; the indexes of those answered
    (a shard given up, or whose answer never came, is not among them)."""
    finished: set[int] = set()
    pids: dict[tuple[str, int], int] = {}
    for stats in _through_workers(ray, [{"shard": s.to_json()} for s in todo], job, retries=TASK_RETRIES, **pool):
        if stats["index"] in finished or stats.get("gave_up"):
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
    return finished


def _through_workers(ray, rows: list[dict], job: dict, *, workers: int, cpus: int, gpus: float, retries: int,
                     blocks: int = 1000) -> Iterator[dict]:
    """``rows`` through a fixed pool of ShardWorker actors, one row per call; their answers as they come.

    Ray Data restarts a worker that dies (models loaded again) and retries its call; past
    ``1 + retries`` attempts the row is answered ``gave_up`` (``_Attempts``). A row whose call raises
    is dropped (``max_errored_blocks``: the caller sees it missing). The first answer of a worker that
    could not build its pipeline stops the job with a ``WorkerSetupError`` of that failure's code.
    Only ``map_batches``' named parameters are used: no ``**ray_remote_args``.
    """
    ray.data.DataContext.get_current().max_errored_blocks = -1
    attempts = _start_attempts(ray, 1 + retries)
    dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), blocks)).map_batches(
        ShardWorker, fn_constructor_kwargs={"job": job, "attempts": attempts}, batch_size=1, batch_format="numpy",
        # One row at a time per actor: a shard is minutes of work, and a second one queued behind it
        # would wait there while another actor idles (and be redone if this one dies).
        compute=ray.data.ActorPoolStrategy(size=max(1, min(workers, len(rows))), max_tasks_in_flight_per_actor=1),
        num_cpus=cpus, num_gpus=gpus or None,
    )
    for row in dataset.iter_rows():
        (text,) = row.values()
        answer = json.loads(text)
        if "setup_failed" in answer:
            raise _setup_error(answer["setup_failed"])
        yield answer


def _start_attempts(ray, limit: int):
    """A pass's ``_Attempts`` actor, on the driver's node: it outlives any worker's death."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    return ray.remote(_Attempts).options(num_cpus=0, scheduling_strategy=here).remote(limit)


def _setup_error(failure: dict) -> WorkerSetupError:
    """The driver's error for a worker's setup failure: its message, and its code (``model-load``...)."""
    error = WorkerSetupError(f"the workers could not start: {failure['message']}")
    error.code = failure["code"]
    return error


def _rescue(ray, shards: list[Shard], summary: RunSummary, job: dict, pool: dict) -> None:
    """Each record of ``shards`` in a task of its own: a record that kills its worker every time is
    written as an error and no other record is lost. The driver writes these shards' part files."""
    store = Store(job["output"])
    items = [{"record": json.dumps({"shard": s.to_json(), "position": p})} for s in shards for p in range(len(s.ids))]
    outputs: dict[tuple[int, int], dict] = {}
    changed: dict[int, str] = {}
    for item in _through_workers(ray, items, job, retries=RECORD_RETRIES, blocks=len(items), **pool):
        if "changed" in item:
            changed[item["index"]] = item["changed"]
        elif "record" in item:  # not given up
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
