"""Views of one ``Result``: plain text (the CLI), Markdown (the download) and HTML (the page's table).

One module, so that the CLI, the page and the downloads say the same things in the same order.
Everything that comes from an article or a model is escaped in the Markdown and HTML views: a
page never runs what an article holds.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .checks import Finding
from .choices import LOW_CONFIDENCE_SCORE
from .errors import CLI
from .markdown_text import md_text  # text from an article or a model, inert in Markdown
from .result import Removal, Result, SentencePair
from .stages import methods
from .stages.split import split_sentences
from .stages.summary_sources import overlap_sources

STAGE_LABELS = {
    "clean": "Cleaning",
    "split": "Splitting into sentences",
    "summarize": "Summarising in Arabic",
    "translate": "Translating sentence by sentence",
    "repair": "Translating flagged sentences again",
    "summary_en": "Translating the summary",
    "checks": "Checking the outputs against their sources",
}


# -- pieces shared by the views -------------------------------------------------------------
def describe_method(summary_method: str, model_label: str | None = None) -> str:
    """A result's ``summary_method`` (``abstractive-lead``, ``lead-3``...) in words (the method registry's)."""
    return methods.describe_method(summary_method, model_label)


@dataclass
class SummarySources:
    """Which article sentences (0-based) each summary sentence draws on.

    ``exact``: the summary is made of these sentences (extractive, lead); otherwise they are the
    sentences that share the most content words with it (abstractive), an approximation.
    """

    exact: bool
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)  # (summary sentence, sources)

    @property
    def used(self) -> list[int]:
        return sorted({i for _, sources in self.sentences for i in sources})


def summary_sources(result: Result) -> SummarySources:
    """Where the summary comes from, as the pipeline recorded it (``result.summary``).

    A ``Result`` built by hand, without that record, is matched by shared words (never exact).
    """
    summary = (result.summary_ar or "").strip()
    if not result.sentences or not summary:
        return SummarySources(exact=True)
    info = result.summary
    if info.method and info.exact:
        return SummarySources(True, [(result.sentences[i], [i]) for i in info.used if i < len(result.sentences)])
    summary_sentences = split_sentences(summary)
    groups = info.sources if info.method else overlap_sources(result.sentences, summary_sentences)
    return SummarySources(False, list(zip(summary_sentences, groups, strict=False)))


def describe_model(role: str, model: dict | None) -> str:
    """``translation `id` (engine), choice `best`, licence CC-BY-4.0``: which model ran, and its licence."""
    if not model:
        return f"{role}: none" + (" (extractive, no model)" if role == "summary" else " (off)")
    return f"{role} `{model.get('id')}` ({model.get('engine')})" + choice_and_licence(model)


def choice_and_licence(model: dict) -> str:
    """``, choice `best`, licence CC-BY-4.0``, saying when a licence forbids commercial use."""
    text = f", choice `{model['choice']}`" if model.get("choice") else ""
    licence = model.get("licence")
    if licence:
        text += f", licence {licence}" + (" (non-commercial use only)" if "-NC" in licence else "")
    elif "licence" in model:
        text += ", licence: see the model's card"
    return text


def describe_models(result: Result, separator: str = " · ") -> str:
    models = result.models or {}
    return separator.join(describe_model(role, models.get(role)) for role in ("summary", "translation"))


def describe_removed(item: Removal) -> str:
    kind = item.kind
    text = item.text.strip().replace("\n", " ")
    if len(text) > 80:
        text = text[:80] + "…"
    return f"{kind}: {text}" if text else kind


def timings_text(result: Result, *, labels: bool = False) -> str:
    def name(stage: str) -> str:
        label = STAGE_LABELS.get(stage, stage) if labels else stage
        return label[:1].lower() + label[1:]

    return ", ".join(f"{name(stage)} {seconds:.2f} s" for stage, seconds in result.timings.items())


def md_cell(text: str) -> str:
    return md_text(text).replace("|", "\\|").replace("\n", " ")


def is_unsure(pair: SentencePair) -> bool:
    """Whether the model was unsure of this sentence's translation (its score under LOW_CONFIDENCE_SCORE)."""
    score = pair.score
    return isinstance(score, (int, float)) and math.isfinite(score) and score < LOW_CONFIDENCE_SCORE and bool(pair.en)


def score_text(pair: SentencePair) -> str:
    """The sentence's score, two decimals (``""`` when it has none), marked ``⚠`` when unsure."""
    score = pair.score
    if not isinstance(score, (int, float)):
        return ""
    return ("⚠ " if is_unsure(pair) else "") + f"{score:.2f}"


CONFIDENCE_NOTE = (
    f"Score: the translation model's mean log-probability per token of its translation (0 = certain); "
    f"⚠ marks the sentences it was least sure of, under {LOW_CONFIDENCE_SCORE:g} (its chosen words had "
    f"{math.exp(LOW_CONFIDENCE_SCORE):.0%} probability or less on average): read those against the Arabic."
)


# Said under a sentence the model was unsure of (is_unsure), beside its ⚠ mark.
UNSURE_TEXT = "Low confidence: the model was unsure of this sentence; read it against the Arabic"


def finding_text(finding: Finding) -> str:
    """What a reader is told: the finding's message, a plain sentence ("The Arabic says 300; the
    English says 30."). The code is for programs: it stays in the JSON, never in what a reader sees."""
    return finding.message


def reasons_text(findings: Iterable[Finding]) -> str:
    """Several findings as one text: their sentences one after the other (each ends with its own
    full stop, so nothing is joined with ".;")."""
    return " ".join(finding_text(f) for f in findings)


def summary_findings(result: Result) -> list:
    return [*result.summary.findings, *result.summary.english_findings]


def repair_text(pair: SentencePair) -> str:
    """A repaired sentence said in words (``""`` for one that was not): its English is a second try."""
    if not pair.repaired:
        return ""
    first = pair.repair.first_en.replace("\n", " ")  # type: ignore[union-attr]
    return f'Repaired: translated again because a check flagged the first translation, which read "{first}".'


FINDINGS_NOTE = ("⚑ marks what the checks found against the Arabic (a number, date or percentage on one "
                 "side only, a loop, a length far from a human translation's, Arabic left untranslated): "
                 "read those sentences against the Arabic.")


def translation_lines(result: Result) -> str:
    """The English translation, one line per Arabic sentence (empty when translation is off)."""
    if not any(pair.en for pair in result.translation):
        return ""
    return "\n".join(pair.en.replace("\n", " ") for pair in result.translation)


# -- plain text -----------------------------------------------------------------------------
def to_text(result: Result, name: str) -> str:
    """Summaries first, then the aligned translation (``summarizer run``); a translation-only result
    (summary method ``none``) has no summary lines (``summarizer translate``)."""
    lines = [f"=== {name}"]
    if _writes_summary(result):
        lines += [f"Arabic summary ({result.summary_method}):", result.summary_ar]
        lines += [f"  [check] {finding_text(f)}" for f in result.summary.findings]
        lines.append("")
    if result.summary_en:
        lines += ["English summary:", result.summary_en]
        lines += [f"  [check] {finding_text(f)}" for f in result.summary.english_findings]
        lines.append("")
    lines.append(f"Sentences ({len(result.translation)}):")
    for n, pair in enumerate(result.translation, 1):
        lines.append(f"{n:>3}. {pair.ar}")
        if pair.en:
            lines.append(f"     {pair.en}" + (f"   [unsure: score {pair.score:.2f}]" if is_unsure(pair) else ""))
        lines += [f"     [check] {finding_text(f)}" for f in pair.findings]
        lines += [f"     [repaired] {repair_text(pair)}"] if pair.repaired else []
    timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
    lines += ["", f"Timings: {timings}"]
    lines += [f"Warning: {n.message(CLI)}" for n in result.notices]
    return "\n".join(lines)


def _writes_summary(result: Result) -> bool:
    method = methods.method_of(result.summary_method or "")
    return method is None or method.writes_summary


# -- Markdown -------------------------------------------------------------------------------
def to_markdown(result: Result, surface: str = "text", *, summary_length: str | None = None) -> str:
    """The whole result as a Markdown document (the download).

    ``surface``: whose words the warnings are in (``"page"``: the page's download names what is on the
    page, not command-line options). ``summary_length``: the length asked for, said under the method.
    """
    out = [
        "# Arabic news summary",
        "",
        f"- Summary method: `{result.summary_method}`",
        *([f"- Summary length: {summary_length}"] if summary_length else []),
        f"- Models: {describe_models(result, '; ')}",
        f"- Time: {timings_text(result)}",
        "",
        "## Arabic summary",
        "",
        '<div dir="rtl" lang="ar">',
        "",
        md_text(result.summary_ar),
        "",
        "</div>",
        "",
    ]
    if result.summary_en:
        out += ["## English summary", "", md_text(result.summary_en), ""]
    if result.translation_text:
        out += ["## English translation", "", md_text(result.translation_text), ""]
    out += ["## Sentence by sentence", "", "| # | Arabic | English | score | to check |", "|---:|---|---|---:|---|"]
    out += [f"| {n} | {md_cell(p.ar)} | {md_cell(p.en)} | {score_text(p)} | "
            f"{md_cell(' '.join(filter(None, (reasons_text(p.findings), repair_text(p)))))} |"
            for n, p in enumerate(result.translation, 1)]
    if any(p.score is not None for p in result.translation):
        out += ["", CONFIDENCE_NOTE]
    if summary_findings(result):
        out += ["", "## The summaries: to check", ""] + [f"- {md_text(finding_text(f))}" for f in summary_findings(result)]
    warnings = result.warnings if surface == "text" else [n.message(surface) for n in result.notices]
    if warnings:
        out += ["", "## Warnings", ""] + [f"- {md_text(w)}" for w in warnings]
    if result.removed:
        out += ["", "## Removed by cleaning", ""]
        out += [f"- {md_text(describe_removed(r))}" for r in result.removed]
    return "\n".join(out) + "\n"


# -- HTML -----------------------------------------------------------------------------------
def aligned_html(translation: list[SentencePair], sources: SummarySources | None = None) -> str:
    """Each Arabic sentence beside its English translation, Arabic right-to-left.

    ``translation``: typed pairs (a saved record is read back with ``Result.from_dict`` first).

    Every sentence carries ``data-i`` (its number) on both sides, so that the page can light up
    a sentence's counterpart; with ``sources``, the sentences the summary draws on are marked and
    listed above the table. The English of a sentence the model was unsure of (``is_unsure``) is
    marked ``⚠`` with its score in a tooltip, and a note under the table says what the mark means.
    """
    if not translation:
        return '<p class="aligned-empty">The article and its translation appear here, sentence by sentence.</p>'
    used = set(sources.used) if sources else set()
    # No English at all (no translation model): the article alone, not a column of "(no translation)".
    translated = any(pair.en for pair in translation)
    rows = []
    for n, pair in enumerate(translation, 1):
        # One Tab stop for the whole table: its first cell takes focus, the arrow keys move between the
        # cells (the page's script moves the tabindex="0" along: a roving tabindex).
        stop = "0" if n == 1 else "-1"
        english = html.escape(pair.en) or '<span class="aligned-empty">(no translation)</span>'
        cell = 'class="en"'
        if is_unsure(pair):
            tip = html.escape(f"The model was unsure of this sentence: score {pair.score:.2f}", quote=True)
            # In words under the sentence too, not only in a tooltip that a phone cannot show.
            english = (f'<span class="unsure-mark" title="{tip}" aria-hidden="true">⚠</span> {english}'
                       f'<span class="unsure-text">{UNSURE_TEXT} (score {pair.score:.2f}).</span>')
            cell = f'class="en unsure" title="{tip}"'
        checks = pair.findings
        if checks:
            reasons = reasons_text(checks)
            tip = html.escape(f"To check: {reasons}", quote=True)
            # Not colour alone, not hover alone: a mark with its reason as text, focusable, announced
            # (reached with the arrow keys inside the table, as its cell is).
            english = (f'{english} <span class="finding-mark" tabindex="-1" role="note" title="{tip}" '
                       f'aria-label="{tip}">⚑<span class="finding-text">{html.escape(reasons)}</span></span>')
        if pair.repaired:  # in words, as the findings are
            english += f' <span class="repair-text">{html.escape(repair_text(pair))}</span>'
        marked = n - 1 in used
        mark = ' <span class="in-summary-mark" title="Used in the summary">Σ<span class="sr-only"> (in the summary)</span></span>' \
            if marked else ""
        english_cell = (f'<td {cell} dir="ltr" lang="en" tabindex="-1" data-i="{n}">{english}</td>'
                        if translated else "")
        rows.append(
            f'<tr id="sentence-{n}" class="pair{" in-summary" if marked else ""}">'
            f'<td class="num">{n}{mark}</td>'
            f'<td class="ar" dir="rtl" lang="ar" tabindex="{stop}" data-i="{n}">{html.escape(pair.ar)}</td>'
            f'{english_cell}</tr>'
        )
    note = (f'<p class="confidence-note">{html.escape(CONFIDENCE_NOTE)}</p>'
            if any(is_unsure(pair) for pair in translation) else "")
    if any(pair.findings for pair in translation):
        note += f'<p class="findings-note">{html.escape(FINDINGS_NOTE)}</p>'
    caption = ("The article, each Arabic sentence beside its English translation" if translated
               else "The article, sentence by sentence (no English translation)")
    english_head = '<th class="en" dir="ltr" lang="en" scope="col">English</th>' if translated else ""
    return (
        f'<div class="aligned-view{"" if translated else " no-english"}">'
        + (_sources_html(sources) if sources and sources.sentences else "")
        + f'<table class="aligned"><caption class="sr-only">{caption}. Tab reaches the table once; the arrow '
        'keys move from sentence to sentence.</caption>'
        '<thead><tr><th class="num" scope="col">#</th><th class="ar" dir="rtl" lang="ar" scope="col">العربية (Arabic)</th>'
        f"{english_head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def _sources_html(sources: SummarySources) -> str:
    """The legend above the table: which sentences the summary draws on, each a link to its row."""

    def links(indices: list[int]) -> str:
        if not indices:
            return '<span class="aligned-empty">no close match</span>'
        return " ".join(f'<a class="src-link" href="#sentence-{i + 1}" data-i="{i + 1}">{i + 1}</a>' for i in indices)

    if sources.exact:
        return (f'<p class="sources"><strong>The summary is made of sentences</strong> {links(sources.used)} '
                '<span class="hint">(marked Σ below)</span></p>')
    items = "".join(
        f'<li>summary sentence {n}: {links(indices)}</li>' for n, (_, indices) in enumerate(sources.sentences, 1)
    )
    return ('<div class="sources"><p><strong>The summary draws on</strong> <span class="hint">(the article '
            'sentences that share the most words with each summary sentence; marked Σ below)</span></p>'
            f'<ul>{items}</ul></div>')
