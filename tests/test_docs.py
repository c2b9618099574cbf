"""docs/ and eval/ are reference for users, not a log of how the work was done.

The docs say what a part does, how to run it and what was measured with which command on which
machine; eval/ scripts print measurements. Neither names commits, issue numbers, sessions or helpers,
nor goals to meet. The checks read the docs' prose (fenced and inline code left out for the words) and
eval/'s strings and comments (docstrings, printed text), so a name in code (``tests.ray_helpers``,
a pytest ``scope="session"``) is not a false alarm.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
EVAL = sorted((ROOT / "eval").glob("*.py"))

# A commit hash: 7-40 hex digits, with at least one letter and one digit, alone in backticks or after
# "commit"/"merge" (so `3fa9c1d2e4b5a6f7` inside a longer file name in an example is not one).
_HEX = r"(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}"
HASH = re.compile(rf"`{_HEX}`|\b(?:commit|merge|merged|main)\s+(?:of\s+|after\s+merge\s+)?`?{_HEX}\b", re.IGNORECASE)
ISSUE = re.compile(r"\bissues?\s*#?\s*\d+", re.IGNORECASE)
WORDS = re.compile(r"\b(?:sessions?|helpers?|goals?)\b", re.IGNORECASE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`[^`\n]*`")


def _prose(markdown: str) -> str:
    """The Markdown without code: fenced blocks and inline code spans removed."""
    return INLINE.sub(" ", FENCE.sub(" ", markdown))


def _texts(path: Path) -> list[tuple[int, str, str]]:
    """(line, kind, text) of every string literal and comment of a Python file."""
    kinds = {tokenize.STRING: "string", tokenize.COMMENT: "comment"}
    middle = getattr(tokenize, "FSTRING_MIDDLE", None)  # Python 3.12+: f-strings are split into parts
    if middle is not None:
        kinds[middle] = "string"
    source = path.read_text(encoding="utf-8")
    return [(tok.start[0], kinds[tok.type], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(source).readline) if tok.type in kinds]


def _findings(text: str, *, words: bool) -> list[str]:
    found = [m.group(0) for m in HASH.finditer(text)] + [m.group(0) for m in ISSUE.finditer(text)]
    if words:
        found += [m.group(0) for m in WORDS.finditer(text)]
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_name_no_commits_issues_sessions_or_goals(path):
    text = path.read_text(encoding="utf-8")
    found = _findings(text, words=False) + [m.group(0) for m in WORDS.finditer(_prose(text))]
    assert not found, f"{path.name}: {sorted(set(found))}"


@pytest.mark.parametrize("path", EVAL, ids=lambda p: p.name)
def test_eval_strings_and_comments_name_no_commits_issues_sessions_or_goals(path):
    found = []
    for line, kind, text in _texts(path):
        # Comments may name code ("scoring helpers"); strings are what the scripts print and document.
        found += [f"line {line}: {hit}" for hit in _findings(text, words=kind == "string")]
    assert not found, f"{path.name}: {found}"


@pytest.mark.parametrize(
    "text",
    ["code of commit e88ce8d", "main after merge be1a1a3", "see `0482a14`", "Goals of issue 11", "issue #14",
     "no GPU was lent to the session", "an earlier helper ran it", "the memory goal"],
)
def test_the_checks_catch_a_work_log(text):
    assert _findings(text, words=True)


@pytest.mark.parametrize(
    "text",
    ["`part-00000000-3fa9c1d2e4b5a6f7.jsonl`", "a two-phase commit for file sinks", "`1000000`",
     "py-pdf/pypdf#1638", "with its upstream issue", "`python -m tests.ray_helpers join`"],
)
def test_the_checks_leave_ordinary_text_alone(text):
    assert not _findings(_prose(text), words=True)
