"""What a bilingual brief says, whatever its format: made once from a ``Result``, so that the .docx, .html and
.md briefs say the same things in the same order, in the words ``summarizer.render`` already uses for
the CLI, the page and the Markdown download (scores, findings, models and licences)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..arabic import arabic_share
from ..checks import Finding
from ..redact import public_model_id
from ..render import CONFIDENCE_NOTE, FINDINGS_NOTE, describe_method, describe_model, is_unsure
from ..result import Result, SentencePair

TITLE_WORDS = 12  # an article without a title is named by the first words of its first sentence
_CODE_RE = re.compile(r"`([^`]*)`")


@dataclass(frozen=True)
class Row:
    """One article sentence beside its English, with what to check in it.

    ``unsure``: the words that mark a sentence the model was unsure of ("" when it was not);
    ``findings``: what the checks found in this pair (Word comments, HTML notes)."""

    number: int
    ar: str
    en: str
    unsure: str = ""
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Brief:
    """A result as a brief: a title, where the article came from, the two summaries, the aligned article,
    the models and licences, and the notes that explain the marks."""

    title: str
    source: str = ""
    date: str = ""
    method: str = ""
    summary_ar: str = ""
    summary_ar_findings: list[Finding] = field(default_factory=list)
    summary_en: str = ""
    summary_en_findings: list[Finding] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    translated: bool = True  # False: no English at all (translation was off)
    models: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def title_is_arabic(self) -> bool:
        return is_arabic(self.title)


def build_brief(result: Result, *, title: str | None = None, source: str | None = None,
                date: str | None = None) -> Brief:
    """The brief of ``result``. ``title``, ``source`` (a file name, a web address) and ``date``: what the
    caller knows of the article (a document's title, the address it was read from); the source defaults to
    the result's id, the title to the article's first words."""
    rows = [_row(n, pair) for n, pair in enumerate(result.translation, 1)]
    writes_summary = bool(result.summary_ar.strip())  # the ``none`` method (translation only) writes none
    return Brief(
        title=(title or "").strip() or article_title(result),
        source=(source if source is not None else result.id or "").strip(),
        date=(date or "").strip(),
        method=describe_method(result.summary_method) if writes_summary else "",
        summary_ar=result.summary_ar.strip(),
        summary_ar_findings=list(result.summary.findings),
        summary_en=result.summary_en.strip(),
        summary_en_findings=list(result.summary.english_findings),
        rows=rows,
        translated=any(pair.en for pair in result.translation),
        models=model_lines(result),
        notes=_notes(rows),
        warnings=list(result.warnings),
    )


def article_title(result: Result) -> str:
    """A title for an article that has none: its first sentence, cut to its first ``TITLE_WORDS`` words."""
    first = next((s.strip() for s in result.sentences if s.strip()), "")
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "") or "Article"


def unsure_words(pair: SentencePair) -> str:
    """The words that mark a sentence the model was unsure of (not a colour alone), "" when it was not."""
    if not is_unsure(pair):
        return ""
    return f"⚠ Unsure translation (score {pair.score:.2f}): read it against the Arabic."


def model_lines(result: Result) -> list[str]:
    """Each role's model and licence, as ``render.describe_model`` says it (without Markdown's backticks),
    naming a model by hub id or folder name: a brief is handed on, never a path of this machine."""
    models = result.models or {}
    lines = []
    for role in ("summary", "translation"):
        model = models.get(role)
        if model:
            model = {**model, "id": public_model_id(model.get("id"))}
        lines.append(_CODE_RE.sub(r"\1", describe_model(role, model)))
    return lines


def _row(number: int, pair: SentencePair) -> Row:
    return Row(number, pair.ar, pair.en, unsure_words(pair), list(pair.findings))


def _notes(rows: list[Row]) -> list[str]:
    """The notes that explain the marks the brief carries (only those it carries)."""
    notes = [CONFIDENCE_NOTE] if any(row.unsure for row in rows) else []
    return notes + ([FINDINGS_NOTE] if any(row.findings for row in rows) else [])


def is_arabic(text: str) -> bool:
    """Whether most of ``text``'s letters are Arabic (a title, a heading: laid out right to left)."""
    return arabic_share(text) > 0.5
