"""No code decides anything from the text of a warning or an error: codes and types only.

A message is for people; when code needs to know what a notice or an error says, it reads its
``code`` (``summarizer.notices``, ``SummarizerError.code``). This test greps the package for the
ways code has matched message text before: a substring of ``str(exc)``, of a warning, or of an
error's advice; a regex over a message; a message rewritten with ``replace``.
"""

from __future__ import annotations

import re

from tests.conftest import ROOT

PATTERNS = [
    r"in str\(exc\)",
    r"str\(exc\)\.(replace|startswith|endswith|find|index|partition)",
    r"[\"'] (not )?in [\w.]*\b(w|warnings?|message|msg|note|error|reason|advice|status)\b",
    r"\b(warning|message|msg|error|reason|advice)s?\.(startswith|endswith|find|replace)\(",
    r"\.(advice|reason|message|error)\b\s*(==|!=)\s*[\"']",
    r"re\.(search|match|sub|fullmatch)\([^)]*\b(warning|message|exc|error|advice)",
]


def _lines():
    for path in sorted((ROOT / "summarizer").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if code.strip():
                yield path.relative_to(ROOT), n, code


def test_no_code_matches_the_text_of_a_warning_or_an_error():
    found = [f"{path}:{n}: {code.strip()}" for path, n, code in _lines()
             if any(re.search(pattern, code) for pattern in PATTERNS)]
    assert not found, "code matches message text:\n" + "\n".join(found)


def test_the_patterns_find_what_they_are_for():
    samples = ['if "hf download" in exc.advice:', 'any("empty summary" in w for w in res.warnings)',
               'raise X(str(exc).replace("the value must", "must"))', 're.sub(pattern, words, warning)']
    assert all(any(re.search(p, s) for p in PATTERNS) for s in samples)
