"""A finding: something in an output that a reader should check, with its evidence.

Each finding has a stable ``code`` (programs compare codes, never messages), a ``message`` in plain
words for a reader, a ``severity``, the index of the sentence it concerns (None when it concerns a
whole text) and its ``evidence``: the values, words or measurements that raised it. A code is one
that a registered check declares (:mod:`.registry`), with its severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .registry import CODES, SEVERITIES


@dataclass(frozen=True)
class Finding:
    """One thing to check in an output: what (``code``), why in words (``message``), how bad
    (``severity``), where (``sentence``: an index into the sentences checked, or None) and the facts
    that raised it (``evidence``: JSON-ready values)."""

    code: str
    message: str
    severity: str = ""
    sentence: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a code no registered check gives (registry.register_check)
            raise ValueError(f"unknown finding code {self.code!r}; known: {', '.join(CODES)}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; known: {', '.join(SEVERITIES)}")

    def at(self, sentence: int | None) -> Finding:
        """The same finding about sentence ``sentence`` (for checks run one sentence at a time)."""
        return Finding(self.code, self.message, self.severity, sentence, dict(self.evidence))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: code, message, severity, sentence, evidence."""
        return {
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "sentence": self.sentence,
            "evidence": dict(self.evidence),
        }
