"""A gate in the Ray workers of a test, so that a kill lands mid-run by construction, not by timing.

Python imports ``sitecustomize`` at start-up from the path; the Ray tests put this folder on
``PYTHONPATH`` (``tests.ray_helpers.gated_env``) for the processes of one job only. When
``SUMMARIZER_TEST_GATE`` names a folder, ``summarizer.batch.work.summarize_records`` (what a worker
runs on each shard) is wrapped, as soon as that module is imported, to obey the files in it:

* ``hold_after`` (a number N): once N shards are done, a worker that takes a shard writes
  ``waiting-<pid>`` and waits until a file ``open`` appears;
* ``barrier`` (a number M): a worker's first shard waits until M workers have taken one, so that
  every worker (every node) gets work however fast the first one is.

Each shard done leaves ``done-<pid>-<n>``. Nothing here changes what a worker computes.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import time

GATE = os.environ.get("SUMMARIZER_TEST_GATE")
WAIT_LIMIT = 600.0  # seconds: a test that failed without opening the gate never hangs a worker forever


def _number(name: str) -> int | None:
    try:
        with open(os.path.join(GATE, name)) as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return None


def _count(prefix: str) -> int:
    try:
        return len({n for n in os.listdir(GATE) if n.startswith(prefix)})
    except OSError:
        return 0


def _touch(name: str) -> None:
    with open(os.path.join(GATE, name), "w"):
        pass


def _wait(until) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not until() and time.monotonic() < deadline and os.path.isdir(GATE):
        time.sleep(0.05)


def _gated(summarize_records):
    done_here = []

    def gated(*args, **kwargs):
        pid = os.getpid()
        if not done_here:
            _touch(f"started-{pid}")
            barrier = _number("barrier")
            if barrier:
                _wait(lambda: _count("started-") >= barrier or os.path.exists(os.path.join(GATE, "open")))
        hold_after = _number("hold_after")
        if hold_after is not None and _count("done-") >= hold_after:
            _touch(f"waiting-{pid}")
            _wait(lambda: os.path.exists(os.path.join(GATE, "open")))
        out = summarize_records(*args, **kwargs)
        done_here.append(1)
        _touch(f"done-{pid}-{len(done_here)}")
        return out

    return gated


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "summarizer.batch.work":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            module.summarize_records = _gated(module.summarize_records)

        spec.loader.exec_module = exec_module
        return spec


if GATE:
    sys.meta_path.insert(0, _PatchOnImport())
