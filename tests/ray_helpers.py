"""Helpers for the Ray tests: a Ray kept on 127.0.0.1, its processes reaped, a pipeline that crashes.

Also run as a program (``python -m tests.ray_helpers ...``) by the tests' subprocesses:

* ``join --address HOST:PORT ...``: ``ray start`` for a second node on this machine. On Linux,
  ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` is what keeps Ray on the loopback interface (it stops Ray
  from advertising, and listening on, the machine's network address), but ``ray start --address``
  refuses to join a cluster under it. The tests set it for every Ray process, and this entry point
  lifts that one refusal in ``ray start``; everything else is Ray's own code.
* ``crash-run INPUT OUTPUT``: ``summarizer.batch.job.run`` with :class:`CrashingPipeline`.
* ``setup-fail-run INPUT OUTPUT``: ``summarizer.batch.job.run`` with workers that cannot build their
  pipeline (:func:`unloadable_pipeline`); prints the error's code and message.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ray_env(tmpdir: str, *, loopback: bool = True) -> dict[str, str]:
    """The environment of every Ray process of a test: its own temp dir, loopback only, own token.

    ``loopback=False`` leaves keeping Ray on 127.0.0.1 to ``summarizer batch --ray`` itself (a local Ray).
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # workers import this checkout, not an installed copy
        "HF_HUB_OFFLINE": "1",
        "RAY_TMPDIR": tmpdir,
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_DISABLE_USAGE_STATS": "1",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),  # made here, never read from ~/.ray
        "RAY_DEDUP_LOGS": "0",
    }
    if not loopback:
        del env["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"]
    return env


def gated_env(env: dict[str, str], gate: Path, *, hold_after: int | None = None,
              barrier: int | None = None) -> dict[str, str]:
    """``env`` with the gate of ``tests/raygate/sitecustomize.py`` in every process of the job.

    ``hold_after=N``: workers stop before their shard once N shards are done, until ``gate / "open"``
    exists; ``barrier=M``: no worker starts its first shard before M workers have one.
    """
    gate.mkdir(parents=True, exist_ok=True)
    for name, value in (("hold_after", hold_after), ("barrier", barrier)):
        if value is not None:
            (gate / name).write_text(str(value))
    return {**env, "SUMMARIZER_TEST_GATE": str(gate),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "raygate"), env["PYTHONPATH"]])}


def gate_files(gate: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in gate.glob(f"{prefix}*"))


LOOPBACK = {"127.0.0.1", "::ffff:127.0.0.1", "::1"}


def listening_addresses(processes) -> set[str]:
    """The addresses the given processes listen on (TCP and UDP)."""
    import psutil

    found = set()
    for process in processes:
        try:
            for connection in process.net_connections(kind="inet"):
                if connection.status == psutil.CONN_LISTEN or not connection.raddr:
                    found.add(connection.laddr.ip)
        except psutil.Error:
            continue
    return found


def short_tmpdir() -> str:
    """Ray's socket paths must stay under 107 bytes: a short folder of its own, under /tmp."""
    return tempfile.mkdtemp(prefix="ray", dir="/tmp")


def processes_of(tmpdir: str, roots: list | None = None) -> set:
    """Processes of a Ray started with ``tmpdir`` (their command line names it), the given roots,
    and all their descendants; never this process."""
    import psutil

    found = set(roots or [])
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(tmpdir in part for part in process.info["cmdline"] or ()):
                found.add(process)
        except psutil.Error:
            continue
    for process in list(found):
        try:
            found.update(process.children(recursive=True))
        except psutil.Error:
            continue
    return {p for p in found if p.pid != os.getpid()}


def reap(tmpdir: str, roots: list | None = None) -> list[str]:
    """Kill (by pid) what is left of a Ray started with ``tmpdir``; the names of what was still alive."""
    import psutil

    alive = []
    for process in processes_of(tmpdir, roots):
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process.name())
            process.kill()
        except psutil.Error:
            continue
    return alive


def descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def actor_processes(driver_pid: int) -> list:
    """The ShardWorker actors' processes under a driver (Ray titles them after the class)."""
    import psutil

    found = []
    for process in descendants(driver_pid):
        try:
            if "ShardWorker" in " ".join(process.cmdline()):
                found.append(process)
        except psutil.Error:
            continue
    return found


def wait_for(predicate, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*")) if folder.is_dir() else []


# -- a pipeline that fails on purpose -----------------------------------------------------------


class _Result:
    def __init__(self, record_id: str, text: str):
        self.record = {"id": record_id, "summary_ar": text[:20], "error": None}

    def to_dict(self) -> dict:
        return dict(self.record)


class CrashingPipeline:
    """Stands in for Pipeline: ``RAISE`` in a text raises (in a group), ``CRASH`` kills the process."""

    def batch(self, items, *, group_size: int = 8, grow: bool = True, progress: bool = True):
        items = list(items)
        if any("CRASH" in item["text"] for item in items):
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault or the OOM killer would
        if any("RAISE" in item["text"] for item in items):
            raise TypeError("Unable to cast Python instance to C++ type")
        for item in items:
            yield _Result(item["id"], item["text"])


def unloadable_pipeline():
    """Stands in for a Pipeline whose model a worker cannot load."""
    from summarizer.errors import ModelLoadError

    raise ModelLoadError("translation", "/models/gone", "no such folder", "check-folder")


def _crash_run(input_path: str, output: str) -> int:
    from summarizer.batch.job import run

    summary = run(input_path, output, workers=2, shard_size=4, group_size=4, pipeline_factory=CrashingPipeline,
                  progress=False)
    print(json.dumps({"done": summary.done, "failed": summary.failed, "rescued": summary.rescued_shards}))
    return 0


def _setup_fail_run(input_path: str, output: str) -> int:
    from summarizer.batch.job import run
    from summarizer.errors import WorkerSetupError

    try:
        run(input_path, output, workers=1, shard_size=4, pipeline_factory=unloadable_pipeline, progress=False)
    except WorkerSetupError as exc:
        print(json.dumps({"code": exc.code, "message": str(exc)}))
        return 0
    return 1


def _join(argv: list[str]) -> int:
    import types

    import ray._private.ray_constants as constants
    import ray.scripts.scripts as scripts

    lifted = types.ModuleType("ray_constants_for_ray_start")
    lifted.__dict__.update(vars(constants))
    lifted.ENABLE_RAY_CLUSTER = True  # only `ray start`'s refusal sees this; the address logic keeps loopback
    scripts.ray_constants = lifted
    sys.argv = ["ray", "start", *argv]
    return scripts.main()


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "join":
        sys.exit(_join(rest))
    if command == "crash-run":
        sys.exit(_crash_run(*rest))
    if command == "setup-fail-run":
        sys.exit(_setup_fail_run(*rest))
    sys.exit(f"unknown command {command!r}")
