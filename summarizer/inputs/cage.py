"""Untrusted bytes parsed in a cage: a child process with memory, CPU-time and output limits and a deadline.

A parser fed a file built to exhaust it (an XML part of a Word file that unpacks to 150 MB, a PDF whose
streams inflate to gigabytes, a page of millions of elements) takes the memory and the time of the
process that parses it, and a server's memory, once grown, stays grown. ``Cage.run(function, args)``
calls ``function(*args)`` in a warm worker process instead: a fresh interpreter (never a fork of the
caller, which may hold threads and torch) that sets its limits before it reads a request, so a file
that goes past them costs only that worker, which is replaced, and ends as one ``InputError`` (code
``COSTLY``) naming the file; the caller's memory is what it was.

The function must be importable by name (``module.qualname``: not a lambda nor a function defined
inside another); its arguments are pickled to the worker (the caller is trusted), its value comes
back as JSON (the worker is not: what it says is data, never code), a dataclass as a dict of its
fields. An ``InputError`` it raises comes back with its message and code.

Workers are kept warm and reused (starting an interpreter and importing a parser costs more than
reading a page), at most ``MAX_WORKERS`` at a time, one caller each: callers on several threads
each get their own, or wait for one. A worker that went past a limit, died, or whose peak memory
went past half its limit is replaced for the next call.

Limits are the kernel's (``resource.setrlimit``: address space, CPU time) plus the caller's own
deadline and cap on the answer's size. Where there is no ``resource`` module (Windows), or the
kernel does not hold to the limit (macOS ignores the address-space limit), only the deadline and
the answer's size are enforced.

A leaf module: it knows nothing of documents (``summarizer.inputs.documents`` says what runs in it).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import importlib
import json
import math
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from ..errors import InputError

try:
    import resource
except ImportError:  # Windows: no rlimits; the deadline and the answer's size still hold
    resource = None  # type: ignore[assignment]

# Address space of a worker. An idle worker with the HTML, Word and PDF readers imported takes some
# 70 MB; a real 20 MB document (``documents.MAX_DOCUMENT_BYTES``) a few hundred MB at most. The
# bombs it is for ask for gigabytes (a 250 KB Word file: 3.4 GB; a 3 MB PDF: 2.8 GB).
MEMORY_LIMIT_BYTES = 1 << 30
# CPU seconds for one document. A real 20 MB document takes a few seconds to read; a page built to
# make the HTML parser work (millions of tiny elements) takes minutes.
CPU_LIMIT_S = 30
# Wall-clock seconds for one document: the CPU limit's time with room for a machine busy with other
# work; also what ends a worker that waits on nothing (no CPU used, so no CPU limit reached).
DEADLINE_S = 60.0
# The answer's size (the text of a 20 MB document as UTF-8 JSON, with room): a file whose text is
# bigger is not one article, and the caller never holds more than this of a worker's answer.
MAX_OUTPUT_BYTES = 64 << 20
MAX_WORKERS = 2  # workers at once: the server reads two uploads at a time; more callers wait
START_DEADLINE_S = 60.0  # for a new worker to start an interpreter and import what it preloads
COSTLY = "document-too-costly"  # the InputError's code for a file that went past a limit

_HEADER = struct.Struct(">Q")  # each message: its length, then a pickle (to a worker) or JSON (from one)
_OUT_OF_MEMORY_EXIT = 3  # a worker that could not even say it ran out of memory exits with this
_EOF, _TOO_BIG = object(), object()


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one call may take (the defaults are the module's constants, which say why)."""

    memory_bytes: int = MEMORY_LIMIT_BYTES
    cpu_s: int = CPU_LIMIT_S
    deadline_s: float = DEADLINE_S
    output_bytes: int = MAX_OUTPUT_BYTES


class _Stopped(Exception):
    """A worker went past a limit or died: ``why`` is a key of ``_REASONS``."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Gone(Exception):
    """A worker was already dead when it was given a call (nothing of the call was read)."""


def target_of(function: Callable) -> tuple[str, str] | None:
    """``(module, qualname)`` by which a worker finds ``function``, or None when it cannot (a function
    defined inside another, a lambda, one of ``__main__``, one replaced under its name)."""
    module, qualname = getattr(function, "__module__", None), getattr(function, "__qualname__", "")
    if not module or module == "__main__" or "<" in qualname:
        return None
    try:
        return (module, qualname) if _resolve((module, qualname)) is function else None
    except Exception:  # a module that does not import here, a name that is not there
        return None


def _resolve(target: tuple[str, str]) -> Callable:
    module, qualname = target
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


class Cage:
    """Warm workers that run functions under ``limits``; ``preload``: modules each imports as it starts
    (so that the first call pays for no import), before its limits are set."""

    def __init__(self, *, preload: tuple[str, ...] = (), limits: Limits | None = None,
                 workers: int = MAX_WORKERS):
        self.preload, self.limits = tuple(preload), limits or Limits()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)
        self._pid = os.getpid()
        atexit.register(self.close)

    def run(self, function: Callable, args: tuple = (), kwargs: dict | None = None, *, name: str) -> Any:
        """``function(*args, **kwargs)`` in a worker; its value (a dataclass as a dict of its fields).

        ``name`` is what an ``InputError`` calls the input (a file's name, an address) when the call
        goes past a limit; an ``InputError`` the function raises comes back as itself (message, code).
        """
        target = target_of(function)
        if target is None:
            raise ValueError(f"{function!r} cannot be found by name in another process")
        request = pickle.dumps((target, args, kwargs or {}), protocol=pickle.HIGHEST_PROTOCOL)
        with self._slots:
            answer = self._call(request, name)
        return _value(answer)

    def workers(self) -> list[int]:
        """The process ids of the idle workers (for a look at them from outside)."""
        with self._lock:
            return [worker.process.pid for worker in self._idle]

    def close(self) -> None:
        """End every idle worker (at exit; a worker ends by itself when its caller's process ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

    def _call(self, request: bytes, name: str) -> dict:
        for attempt in (1, 2):
            worker = self._take()
            try:
                answer = worker.call(request, self.limits)
            except _Gone:  # it died idle (killed from outside): the call goes to a new one, once
                worker.kill()
                if attempt == 2:
                    raise RuntimeError("the worker that reads documents could not be started") from None
                continue
            except _Stopped as stop:
                worker.kill()
                raise InputError(_message(stop.why, name, self.limits), code=COSTLY) from None
            except BaseException:
                worker.kill()
                raise
            if "stopped" in answer:
                worker.kill()
                raise InputError(_message(str(answer["stopped"]), name, self.limits), code=COSTLY)
            if _number(answer.get("peak")) > self.limits.memory_bytes // 2:
                worker.close()  # its heap stays as big as its peak: the next call gets a fresh one
            else:
                self._give_back(worker)
            return answer
        raise AssertionError("unreachable")

    def _take(self) -> _Worker:
        with self._lock:
            if os.getpid() != self._pid:  # a forked copy of this process: its workers are its parent's
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                worker = self._idle.pop()
                if worker.process.poll() is None:
                    return worker
        return _Worker(self.preload, self.limits)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)


def _number(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _value(answer: dict) -> Any:
    if "error" in answer:
        code = answer.get("code")
        raise InputError(str(answer["error"]), code=code if isinstance(code, str) else None)
    if "failed" in answer:  # a bug of the function, not a limit: said as such, as it would be in-process
        raise RuntimeError(f"the caged reader failed: {str(answer['failed'])[:1000]}")
    return answer.get("value")


_REASONS = {
    "memory": "more than {memory} of memory",
    "cpu": "more than {cpu} s of computing",
    "deadline": "more than {deadline} s",
    "output": "more than {output} of text",
    "crash": "its reader stopped on it",
}


def _message(why: str, name: str, limits: Limits) -> str:
    what = _REASONS.get(why, _REASONS["crash"]).format(
        memory=_amount(limits.memory_bytes), cpu=limits.cpu_s, deadline=f"{limits.deadline_s:g}",
        output=_amount(limits.output_bytes))
    return (f"{name} could not be read within the limits for one document ({what}): a file this costly "
            "to read is not one article, or was made to exhaust a reader.")


def _amount(n: int) -> str:
    if n >= 2**30:
        return f"{n / 2**30:.1f} GB"
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB"


# -- the caller's side of a worker -----------------------------------------------------------------
class _Worker:
    """One worker process: requests go to its stdin; a thread reads its answers (bounded) from its stdout."""

    def __init__(self, preload: tuple[str, ...], limits: Limits):
        self.answers: queue.SimpleQueue = queue.SimpleQueue()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))  # it imports what we do
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
            start_new_session=True,  # a Ctrl-C in the terminal is for the caller, which ends its workers
        )
        threading.Thread(target=self._read, args=(limits.output_bytes,), daemon=True,
                         name=f"cage-{self.process.pid}").start()
        try:
            self._send(pickle.dumps((preload, limits)))
            ready = self._answer(START_DEADLINE_S)
        except (_Gone, _Stopped):
            ready = None
        if not isinstance(ready, dict) or not ready.get("ready"):
            self.kill()
            raise RuntimeError(f"the worker that reads documents did not start (exit code "
                               f"{self.process.returncode}; its error, if any, is above)")

    def call(self, request: bytes, limits: Limits) -> dict:
        self._send(request)
        return self._answer(limits.deadline_s)

    def _send(self, payload: bytes) -> None:
        try:
            self.process.stdin.write(_HEADER.pack(len(payload)))
            self.process.stdin.write(payload)  # apart: a document is not copied once more
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Gone() from None

    def _answer(self, timeout: float) -> dict:
        try:
            got = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise _Stopped("deadline") from None
        if got is _TOO_BIG:
            raise _Stopped("output")
        if got is _EOF:
            raise _Stopped(_why_it_ended(self._wait()))
        try:
            answer = json.loads(got.decode("utf-8", "surrogatepass"))  # a text's lone surrogates as they were
        except ValueError:  # not what a worker writes: it is not to be trusted with another call
            raise _Stopped("crash") from None
        if not isinstance(answer, dict):
            raise _Stopped("crash")
        return answer

    def _read(self, most: int) -> None:
        """Answers, each put on ``self.answers`` as it comes; ``_TOO_BIG`` for one over ``most`` bytes."""
        stream = self.process.stdout
        while True:
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                self.answers.put(_EOF)
                return
            (size,) = _HEADER.unpack(header)
            if size > most:
                self.answers.put(_TOO_BIG)  # never read: the caller ends the worker
                return
            body = stream.read(size)
            self.answers.put(body if len(body) == size else _EOF)

    def _wait(self) -> int | None:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def close(self) -> None:
        """Let it end by itself (its stdin closes); ended by force if it does not."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _why_it_ended(code: int | None) -> str:
    if code == -getattr(signal, "SIGXCPU", -1000):
        return "cpu"
    if code in (_OUT_OF_MEMORY_EXIT, -getattr(signal, "SIGKILL", -1000)):  # SIGKILL: the kernel's OOM killer
        return "memory"
    return "crash"


# -- the worker's side -------------------------------------------------------------------------------
def _serve() -> None:
    """The worker's loop: read ``(preload, limits)``, import, set the limits, say it is ready, then answer
    each request until its stdin closes. What the readers print goes to stderr, never into the answers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # sys.stdin reads nothing, sys.stdout writes to stderr
    os.dup2(2, 1)
    setup = _receive(requests)
    if setup is None:
        return
    preload, limits = setup
    for module in preload:
        importlib.import_module(module)
    _set_limits(limits)
    _send_answer(answers, {"ready": True}, limits)
    while (request := _receive(requests)) is not None:
        _send_answer(answers, _answer(request, limits), limits)


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _set_limits(limits: Limits) -> None:
    """Address space and core files, once for the worker's life; CPU time per call (``_allow_cpu``)."""
    if resource is None:
        return
    for which, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_CORE, 0)):
        _, hard = resource.getrlimit(which)
        with contextlib.suppress(ValueError, OSError):  # a kernel that does not take it (macOS: memory)
            resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else min(value, hard)))


def _allow_cpu(seconds: int) -> None:
    """CPU time is counted over a worker's life: the limit is moved to ``seconds`` past what it used so far.
    Past it the kernel sends SIGXCPU, which ends the worker."""
    if resource is None:
        return
    used = sum(os.times()[:2])
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used) + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer(request: tuple, limits: Limits) -> dict:
    target, args, kwargs = request
    _allow_cpu(limits.cpu_s)
    try:
        value = _resolve(target)(*args, **kwargs)
    except BaseException as exc:  # everything comes back as an answer: the worker lives on
        if _out_of_memory(exc, limits):
            return {"stopped": "memory"}
        if isinstance(exc, InputError):
            return {"error": str(exc), "code": exc.code, "peak": _peak_bytes()}
        return {"failed": f"{type(exc).__name__}: {exc}", "peak": _peak_bytes()}
    return {"value": value, "peak": _peak_bytes()}


def _out_of_memory(exc: BaseException, limits: Limits) -> bool:
    """Whether a call that raised ``exc`` ran out of memory. Parsers turn a failed allocation into errors
    of their own (lxml: a syntax error; the readers: "a damaged file"), so besides a ``MemoryError``
    anywhere in the chain, a peak past half the limit counts: an allocation that failed there asked
    for at least what was held (buffers grow by doubling), and a worker is never given a call after
    its peak has passed half (``Cage._call``), so that peak is this call's."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return _peak_bytes() > limits.memory_bytes // 2


def _peak_bytes() -> int:
    """The worker's peak address space (what ``RLIMIT_AS`` bounds); its peak resident size where the
    kernel does not say that (0 where neither is known)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if resource is None:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _send_answer(stream: BinaryIO, answer: dict, limits: Limits) -> None:
    try:
        payload = json.dumps(answer, ensure_ascii=False, default=_plain).encode("utf-8", "surrogatepass")
    except MemoryError:
        os._exit(_OUT_OF_MEMORY_EXIT)
    if len(payload) > limits.output_bytes:
        payload = json.dumps({"stopped": "output"}).encode()
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} cannot be sent back from a worker")


if __name__ == "__main__":
    _serve()
