"""Views of one ``Result``: plain text (the CLI), Markdown (the download) and HTML (the page's table).

One module, so that the CLI, the page and the downloads say the same things in the same order.
Everything that comes from an article or a model is escaped in the Markdown and HTML views: a
page never runs what an article holds.
"""

from __future__ import annotations

import html

from .pipeline import Result

STAGE_LABELS = {
    "clean": "Cleaning",
    "split": "Splitting into sentences",
    "summarize": "Summarising in Arabic",
    "translate": "Translating sentence by sentence",
    "summary_en": "Translating the summary",
}


# -- pieces shared by the views -------------------------------------------------------------
def describe_model(role: str, model: dict | None) -> str:
    if not model:
        return f"{role}: none" + (" (extractive, no model)" if role == "summary" else " (off)")
    return f"{role} `{model.get('id')}` ({model.get('engine')})"


def describe_models(result: Result, separator: str = " · ") -> str:
    models = result.models or {}
    return separator.join(describe_model(role, models.get(role)) for role in ("summary", "translation"))


def describe_removed(item: dict) -> str:
    kind = item.get("kind", "?")
    text = str(item.get("text", "")).strip().replace("\n", " ")
    if len(text) > 80:
        text = text[:80] + "…"
    return f"{kind}: {text}" if text else kind


def timings_text(result: Result, *, labels: bool = False) -> str:
    def name(stage: str) -> str:
        label = STAGE_LABELS.get(stage, stage) if labels else stage
        return label[:1].lower() + label[1:]

    return ", ".join(f"{name(stage)} {seconds:.2f} s" for stage, seconds in result.timings.items())


def md_text(text: str) -> str:
    """Text shown inside Markdown: HTML-escaped."""
    return html.escape(text or "", quote=False)


def md_cell(text: str) -> str:
    return md_text(text).replace("|", "\\|").replace("\n", " ")


def translation_lines(result: Result) -> str:
    """The English translation, one line per Arabic sentence (empty when translation is off)."""
    if not any(pair["en"] for pair in result.translation):
        return ""
    return "\n".join(pair["en"].replace("\n", " ") for pair in result.translation)


# -- plain text -----------------------------------------------------------------------------
def to_text(result: Result, name: str) -> str:
    """Summaries first, then the aligned translation (``summarizer run``)."""
    lines = [f"=== {name}", f"Arabic summary ({result.summary_method}):", result.summary_ar, ""]
    if result.summary_en:
        lines += ["English summary:", result.summary_en, ""]
    lines.append(f"Sentences ({len(result.translation)}):")
    for n, pair in enumerate(result.translation, 1):
        lines.append(f"{n:>3}. {pair['ar']}")
        if pair["en"]:
            lines.append(f"     {pair['en']}")
    timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
    lines += ["", f"Timings: {timings}"]
    lines += [f"Warning: {w}" for w in result.warnings]
    return "\n".join(lines)


# -- Markdown -------------------------------------------------------------------------------
def to_markdown(result: Result) -> str:
    """The whole result as a Markdown document (the download)."""
    out = [
        "# Arabic news summary",
        "",
        f"- Summary method: `{result.summary_method}`",
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
    out += ["## Sentence by sentence", "", "| # | Arabic | English |", "|---:|---|---|"]
    out += [f"| {n} | {md_cell(p['ar'])} | {md_cell(p['en'])} |" for n, p in enumerate(result.translation, 1)]
    if result.warnings:
        out += ["", "## Warnings", ""] + [f"- {md_text(w)}" for w in result.warnings]
    if result.removed:
        out += ["", "## Removed by cleaning", ""]
        out += [f"- {md_text(describe_removed(r))}" for r in result.removed]
    return "\n".join(out) + "\n"


# -- HTML -----------------------------------------------------------------------------------
def aligned_html(translation: list[dict]) -> str:
    """Each Arabic sentence beside its English translation: a table, Arabic cells right-to-left."""
    if not translation:
        return '<p class="aligned-empty">The sentence-by-sentence view appears here.</p>'
    rows = []
    for n, pair in enumerate(translation, 1):
        english = html.escape(pair.get("en") or "") or '<span class="aligned-empty">—</span>'
        rows.append(
            f'<tr><td class="num">{n}</td>'
            f'<td class="ar" dir="rtl" lang="ar">{html.escape(pair.get("ar") or "")}</td>'
            f'<td class="en" dir="ltr" lang="en">{english}</td></tr>'
        )
    return (
        '<table class="aligned">'
        '<thead><tr><th class="num">#</th><th class="ar" dir="rtl" lang="ar">العربية (Arabic)</th>'
        '<th class="en" dir="ltr" lang="en">English</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
