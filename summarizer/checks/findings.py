"""A finding: something in an output that a reader should check, with its evidence.

Each finding has a stable ``code`` (programs compare codes, never messages), a ``message`` in plain
words for a reader, a ``severity``, the index of the sentence it concerns (None when it concerns a
whole text) and its ``evidence``: the values, words or measurements that raised it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Severities, strongest first: "error" (the output states something the source does not, or
# drops it), "warning" (the output is likely broken: a loop, a runaway length, untranslated text),
# "info" (context a reader needs: how much of the article the summary read).
SEVERITIES = ("error", "warning", "info")

# Every code a check can return, with what it means: the catalogue that docs, the page and tests use.
CATALOGUE: dict[str, str] = {
    "number-mismatch": "A number, date or percentage in the source is missing from the output or stated differently.",
    "number-unsupported": "The output states a number, date or percentage that the source never states.",
    "repetition-loop": "The output repeats the same words over and over (a decoding loop).",
    "length-ratio": "The output is far longer or shorter than human translations of a source this long.",
    "untranslated": "The output contains Arabic script: part of the sentence was not translated.",
    "copy-through": "The output is the source copied through, not a translation.",
    "summary-unsupported": "Almost none of the content words of a summary sentence appear in the article.",
    "summary-new-name": "The summary uses words (often names) that the article never uses.",
    "summary-coverage": "The summary model read only the beginning of the article.",
    "short-article": "The article is too short for an abstractive summary to be reliable.",
}
SEVERITY_OF: dict[str, str] = {
    "number-mismatch": "error",
    "number-unsupported": "error",
    "repetition-loop": "warning",
    "length-ratio": "warning",
    "untranslated": "warning",
    "copy-through": "error",
    "summary-unsupported": "error",
    "summary-new-name": "warning",
    "summary-coverage": "info",
    "short-article": "warning",
}


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
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown finding code {self.code!r}; known: {', '.join(CATALOGUE)}")
        if not self.severity:
            object.__setattr__(self, "severity", SEVERITY_OF[self.code])
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
