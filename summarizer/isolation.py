"""One retry policy for work done in groups: a group that raises is done again one item at a time, so
that an item that makes the work fail costs only itself (its result says why), never its group.

``Pipeline.batch`` runs its groups of articles this way, and the Ray batch's workers run their
shards' groups through it too (a stand-in pipeline, or a failure outside the pipeline's own
per-article loop, is isolated the same way). A leaf module: it knows nothing of articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .redact import without_paths

T = TypeVar("T")
R = TypeVar("R")


def each_alone_on_failure(run: Callable[[list[T]], list[R]], items: list[T],
                          failed: Callable[[T, Exception], R]) -> list[R]:
    """``run(items)``; if it raises, ``run([item])`` for each item, and ``failed(item, exc)`` for an item
    that raises alone. One result per item, in order."""
    try:
        return run(items)
    except Exception as exc:
        if len(items) == 1:
            return [failed(items[0], exc)]
    return [result for item in items for result in each_alone_on_failure(run, [item], failed)]


def failure_message(exc: BaseException) -> str:
    """What an article whose work raised ``exc`` says: the exception's type and its first line, each path it
    quotes cut to its last component (an OSError's text names a file of this machine; a server's callers
    read this message, and a batch's records travel)."""
    text = without_paths(str(exc).strip())
    detail = text.splitlines()[0][:300] if text else ""
    return f"The article could not be processed: {type(exc).__name__}" + (f": {detail}" if detail else "") + "."
