"""Dataclasses that also read like the dicts they replaced: ``item["key"]``, ``item.get("key")``.

The typed results (``SentencePair``, ``Removal``) were plain dicts in earlier versions; code written
against those keeps working. A leaf module.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


class ReadsLikeADict:
    """``item["key"]`` and ``item.get("key")`` on a dataclass: the dict-shaped API it replaced."""

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.keys() else default

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]  # type: ignore[arg-type]
