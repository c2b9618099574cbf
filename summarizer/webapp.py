"""The web app's logic, as plain functions (``app.py`` only lays out the page and wires events).

- ``load_app`` loads the models once, with fallbacks: a summary model that cannot be loaded
  means the extractive summary; a translation model that cannot be loaded means no English,
  and in both cases a plain notice for the page (``notice_markdown``) instead of a crash.
- ``summarize`` is the handler behind the button and the ``/summarize`` API: it never raises;
  bad input gives a clear message in the status area (and a toast).
- ``aligned_html``, ``status_markdown``, ``result_markdown``, ``write_exports``, ``load_file``
  and ``examples`` build the pieces of the page.
"""

from __future__ import annotations

import html
import json
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError, ModelLoadError
from .inputs import read_text_file
from .models import DEFAULT_SUMMARY_MODEL, DEFAULT_TRANSLATION_MODEL
from .pipeline import STAGES, SUMMARY_METHODS, Pipeline, Result, StageProgress

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
LONG_INPUT_MODES = ("lead", "chunked")

METHOD_LABELS = {
    "abstractive": "Abstractive (mT5)",
    "extractive": "Extractive (LexRank)",
    "lead": "Lead (first sentences)",
}
LONG_INPUT_LABELS = {
    "lead": "Lead: the first 512 tokens",
    "chunked": "Chunked: the whole article",
}
STAGE_LABELS = {
    "clean": "Cleaning",
    "split": "Splitting into sentences",
    "summarize": "Summarising in Arabic",
    "translate": "Translating sentence by sentence",
    "summary_en": "Translating the summary",
}

TRANSLATION_ADVICE = (
    "To get the English translation: on a machine with a network, run "
    "`hf download Helsinki-NLP/opus-mt-ar-en --local-dir models/opus-mt-ar-en`, copy `models/` here, "
    "and restart with `python app.py --translation-model models/opus-mt-ar-en` "
    "(or copy a filled Hugging Face cache, `HF_HOME`, here and set `HF_HUB_OFFLINE=1`)."
)
SUMMARY_ADVICE = (
    "To get the abstractive summary: on a machine with a network, run "
    "`hf download csebuetnlp/mT5_multilingual_XLSum --local-dir models/mT5_multilingual_XLSum`, copy `models/` "
    "here, and restart with `python app.py --summary-model models/mT5_multilingual_XLSum`."
)

# One CSS for the page (Gradio 6 takes it in ``launch(css=...)``: see ``launch_style``).
CSS = """
.app-title h1 { margin-bottom: 0.1em; }
.app-title p { margin-top: 0; color: var(--body-text-color-subdued); }
.block.notice { border: 2px solid #d97706 !important; background: #fffbeb; border-radius: 8px;
          padding: 0.2em 1em 0.6em 1em; }
.block.notice .prose, .block.notice .prose * { color: #78350f; }
.block.notice h3 { margin-top: 0.4em; color: #92400e !important; }
.arabic textarea, .arabic-text { font-family: "Noto Naskh Arabic", "Amiri", "DejaVu Sans", Tahoma, sans-serif;
          font-size: 1.08rem; line-height: 1.75; }
.status { font-size: 0.92rem; }
table.aligned { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.98rem;
          border: 1px solid var(--border-color-primary, #e5e7eb) !important; }
table.aligned tr { border: none !important; }
table.aligned th, table.aligned td { border: none !important;
          border-bottom: 1px solid var(--border-color-primary, #e5e7eb) !important;
          padding: 0.45em 0.7em; vertical-align: top; }
table.aligned td.en, table.aligned th.en { border-left: 1px solid var(--border-color-primary, #e5e7eb) !important; }
table.aligned th { background: var(--background-fill-secondary, #f9fafb); font-weight: 600; }
table.aligned th.num, table.aligned td.num { width: 2.6em; text-align: center;
          color: var(--body-text-color-subdued, #6b7280); }
table.aligned td.ar, table.aligned th.ar { direction: rtl; text-align: right; line-height: 1.8;
          font-family: "Noto Naskh Arabic", "Amiri", "DejaVu Sans", Tahoma, sans-serif; font-size: 1.05rem; }
table.aligned td.en, table.aligned th.en { direction: ltr; text-align: left; line-height: 1.55; }
table.aligned tbody tr:nth-child(even) td { background: var(--background-fill-secondary, #f9fafb); }
.aligned-empty { color: var(--body-text-color-subdued, #6b7280); font-style: italic; }
"""


def launch_style() -> dict[str, Any]:
    """The look of the page, for ``demo.launch(**launch_style(), ...)`` (no web fonts are fetched)."""
    import gradio as gr

    return {"css": CSS, "theme": gr.themes.Default(primary_hue="teal", secondary_hue="amber")}


# -- start-up ----------------------------------------------------------------------------
@dataclass
class AppState:
    """What the app holds for its whole life: the loaded pipeline and what went wrong loading it."""

    pipeline: Pipeline
    notices: list[str] = field(default_factory=list)
    default_method: str = "abstractive"
    default_long_input: str = "lead"
    export_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="summarizer-app-")))

    @property
    def methods(self) -> list[str]:
        """Summary methods that can run (abstractive only when the mT5 model is loaded)."""
        return [m for m in SUMMARY_METHODS if m != "abstractive" or self.pipeline.summarizer is not None]

    @property
    def translation_available(self) -> bool:
        return self.pipeline.translator is not None


def load_app(
    summary_model: str | None = DEFAULT_SUMMARY_MODEL,
    translation_model: str | None = DEFAULT_TRANSLATION_MODEL,
    *,
    summary_method: str = "abstractive",
    long_input: str = "lead",
    engine: str = "auto",
    export_dir: str | Path | None = None,
    **pipeline_options: Any,
) -> AppState:
    """Load the models once. Never fails on a model: it falls back and records a notice instead.

    ``pipeline_options`` go to ``Pipeline`` (``summary_decoding``, ``translation_decoding``,
    ``device``, ``quantization``, ``max_chars``...). Bad option values (unknown method) raise ValueError.
    """
    if summary_method not in SUMMARY_METHODS:
        raise ValueError(f"summary_method must be one of {', '.join(SUMMARY_METHODS)}, not {summary_method!r}")
    if long_input not in LONG_INPUT_MODES:
        raise ValueError(f"long_input must be one of {', '.join(LONG_INPUT_MODES)}, not {long_input!r}")
    notices: list[str] = []
    options = dict(summary_method=summary_method, long_input=long_input, engine=engine, **pipeline_options)
    try:
        pipeline = Pipeline(summary_model, translation_model, **options)
    except ModelLoadError as exc:  # the translation model: run without it (the summary model comes from the cache)
        log.warning("%s", exc)
        notices.append(
            f"**No English translation.** {_load_problem(exc)} {_advice(exc, TRANSLATION_ADVICE)} "
            "Until then the page shows the Arabic summary only."
        )
        pipeline = Pipeline(summary_model, None, **options)
    summary_error = pipeline.load_errors.get("summary")
    if summary_error is not None:
        log.warning("%s", summary_error)
        notices.insert(0,
            f"**Extractive summary instead of mT5.** {_load_problem(summary_error)} "
            f"{_advice(summary_error, SUMMARY_ADVICE)} Until then the page uses the extractive summary (LexRank)."
        )
    if translation_model is None:
        notices.append(f"**No English translation:** no translation model was given. {TRANSLATION_ADVICE}")
    state = AppState(pipeline, notices, pipeline.effective_method(summary_method), long_input)
    if export_dir is not None:
        state.export_dir = Path(export_dir)
        state.export_dir.mkdir(parents=True, exist_ok=True)
    return state


def _load_problem(exc: ModelLoadError) -> str:
    return f"Could not load the {exc.role} model `{exc.model}`: {exc.reason}."


def _advice(exc: ModelLoadError, how_to_get_it: str) -> str:
    """The app's own advice (restart with a folder), after the error's when that says something else."""
    if "hf download" in exc.advice:  # the generic download advice: ours says the same, for the app
        return how_to_get_it
    return f"{exc.advice} {how_to_get_it}"


def notice_markdown(state: AppState) -> str:
    """The visible notice at the top of the page ("" when every model loaded)."""
    if not state.notices:
        return ""
    items = "\n".join(f"- {_md_text(n)}" for n in state.notices)
    return f"### ⚠️ Running with reduced features\n{items}"


def method_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, value) pairs for the summary-method selector.

    Every method stays a valid value (API callers need not know what loaded); one that cannot run
    says what is used instead.
    """
    return [
        (METHOD_LABELS[m] if m in state.methods else f"{METHOD_LABELS[m]}: not loaded, extractive used", m)
        for m in SUMMARY_METHODS
    ]


def long_input_choices() -> list[tuple[str, str]]:
    return [(LONG_INPUT_LABELS[m], m) for m in LONG_INPUT_MODES]


def models_markdown(state: AppState) -> str:
    """One line under the title: which models this app runs."""
    models = state.pipeline.models
    return f"Models: {_describe_model('summary', models.get('summary'))} · " \
           f"{_describe_model('translation', models.get('translation'))}"


# -- the handler -------------------------------------------------------------------------
class Outputs(NamedTuple):
    """What one click (or one ``/summarize`` API call) returns, in the page's output order."""

    summary_ar: str
    translation: str  # one English line per Arabic sentence
    summary_en: str
    aligned: str  # HTML table
    status: str  # Markdown
    json_file: str | None
    markdown_file: str | None
    result: dict  # the whole Result as a dict ({"error": ...} on bad input)


def summarize(
    state: AppState,
    text: str | None,
    summary_method: str | None = None,
    long_input: str | None = None,
    progress: Callable[..., Any] | None = None,
) -> Outputs:
    """Run the pipeline on one article. Never raises: a bad input gives an error status instead.

    ``progress`` is a ``gr.Progress()`` (or any ``fn(fraction, desc=...)``).
    """
    started = time.perf_counter()
    method = summary_method or state.default_method
    long_input = long_input or state.default_long_input
    try:
        if method not in SUMMARY_METHODS:
            raise InputError(f"Unknown summary method {method!r}: choose one of {', '.join(SUMMARY_METHODS)}.")
        if long_input not in LONG_INPUT_MODES:
            raise InputError(f"Unknown long-input mode {long_input!r}: choose one of {', '.join(LONG_INPUT_MODES)}.")
        hook = stage_progress(progress) if progress is not None else None
        if hook is not None:
            hook("clean", 0, 1)
        result = state.pipeline(text if text is not None else "", summary_method=method,
                                long_input=long_input, progress=hook)
    except InputError as exc:
        return error_outputs(str(exc))
    except Exception as exc:  # a bug or a model failure: logged here, one line on the page
        log.exception("summarize failed")
        return error_outputs(f"Something went wrong while processing the article ({type(exc).__name__}: {exc}).")
    if method == "abstractive" and state.pipeline.summarizer is None:
        result.warnings.append("The abstractive summary is not available (the mT5 model is not loaded): "
                               "the extractive summary was used instead.")
    total = time.perf_counter() - started
    json_file, markdown_file = write_exports(result, state.export_dir)
    if progress is not None:
        progress(1.0, desc="Done")
    return Outputs(
        summary_ar=result.summary_ar,
        translation=translation_lines(result),
        summary_en=result.summary_en,
        aligned=aligned_html(result.translation),
        status=status_markdown(result, total_seconds=total),
        json_file=str(json_file),
        markdown_file=str(markdown_file),
        result=result.to_dict(),
    )


def error_outputs(message: str) -> Outputs:
    """Empty outputs and a clear message (also shown as a toast when called from the page)."""
    _toast(message)
    return Outputs("", "", "", "", error_markdown(message), None, None, {"error": message})


def stage_progress(progress: Callable[..., Any]) -> StageProgress:
    """Map the pipeline's ``progress(stage, done, total)`` to a 0..1 bar with the stage's name."""

    def hook(stage: str, done: int, total: int) -> None:
        index = STAGES.index(stage) if stage in STAGES else len(STAGES) - 1
        within = min(max(done / total, 0.0), 1.0) if total else 0.0
        label = STAGE_LABELS.get(stage, stage)
        desc = f"{label} ({done}/{total})" if total > 1 else label
        progress((index + within) / len(STAGES), desc=desc)

    return hook


def translation_lines(result: Result) -> str:
    """The English translation, one line per Arabic sentence (empty when translation is off)."""
    if not any(pair["en"] for pair in result.translation):
        return ""
    return "\n".join(pair["en"].replace("\n", " ") for pair in result.translation)


# -- formatting --------------------------------------------------------------------------
def aligned_html(translation: list[dict]) -> str:
    """Each Arabic sentence beside its English translation: a table, Arabic cells right-to-left.

    Everything from the article or the model is HTML-escaped.
    """
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


def status_markdown(result: Result, *, total_seconds: float | None = None) -> str:
    """Models (ids + engines), summary method, time per stage, and every warning."""
    models = result.models or {}
    timings = ", ".join(f"{_lower_first(STAGE_LABELS.get(s, s))} {t:.2f} s" for s, t in result.timings.items())
    total = total_seconds if total_seconds is not None else sum(result.timings.values())
    blocks = [
        f"**Summary method:** `{result.summary_method}` · **Sentences:** {len(result.sentences)}",
        f"**Models:** {_describe_model('summary', models.get('summary'))} · "
        f"{_describe_model('translation', models.get('translation'))}",
        f"**Time:** {timings} (total {total:.2f} s)",
    ]
    if result.warnings:
        blocks.append("**Warnings:**\n" + "\n".join(f"- ⚠️ {_md_text(w)}" for w in result.warnings))
    else:
        blocks.append("No warnings.")
    return "\n\n".join(blocks)


def error_markdown(message: str) -> str:
    return f"❌ **Error:** {_md_text(message)}"


def result_markdown(result: Result) -> str:
    """The whole result as a Markdown document (the download)."""
    models = result.models or {}
    out = [
        "# Arabic news summary",
        "",
        f"- Summary method: `{result.summary_method}`",
        f"- Models: {_describe_model('summary', models.get('summary'))}; "
        f"{_describe_model('translation', models.get('translation'))}",
        "- Time: " + ", ".join(f"{s} {t:.2f} s" for s, t in result.timings.items()),
        "",
        "## Arabic summary",
        "",
        '<div dir="rtl" lang="ar">',
        "",
        _md_text(result.summary_ar),
        "",
        "</div>",
        "",
    ]
    if result.summary_en:
        out += ["## English summary", "", _md_text(result.summary_en), ""]
    if result.translation_text:
        out += ["## English translation", "", _md_text(result.translation_text), ""]
    out += ["## Sentence by sentence", "", "| # | Arabic | English |", "|---:|---|---|"]
    out += [f"| {n} | {_md_cell(p['ar'])} | {_md_cell(p['en'])} |" for n, p in enumerate(result.translation, 1)]
    if result.warnings:
        out += ["", "## Warnings", ""] + [f"- {_md_text(w)}" for w in result.warnings]
    if result.removed:
        out += ["", "## Removed by cleaning", ""]
        out += [f"- {_md_text(_describe_removed(r))}" for r in result.removed]
    return "\n".join(out) + "\n"


def write_exports(result: Result, directory: str | Path) -> tuple[Path, Path]:
    """Write the result as JSON and as Markdown into ``directory``; unique names per call."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"summary-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(result_markdown(result), encoding="utf-8")
    return json_path, md_path


# -- inputs ------------------------------------------------------------------------------
def load_file(path: str | Path | None, current_text: str = "") -> tuple[str, str]:
    """An uploaded .txt file -> (text for the article box, status Markdown).

    A file that cannot be read (not UTF-8...) keeps the current text and says why, naming the file.
    """
    if not path:
        return current_text, ""
    p = Path(path)
    try:
        text = read_text_file(p)
    except InputError as exc:
        message = str(exc).replace(str(p), p.name)  # the upload's temp folder means nothing to the user
        return current_text, error_outputs(message).status
    return text, f"Loaded **{_md_text(p.name)}** ({len(text):,} characters). Press **Summarise**."


def example_label(text: str, words: int = 7) -> str:
    """An example's label: its first words."""
    first = text.split()
    label = " ".join(first[:words])
    return label + (" …" if len(first) > words else "")


def examples(seed_dir: str | Path = SEEDS_DIR) -> list[tuple[str, str]]:
    """(label, text) for each seed article (none when the folder is missing)."""
    folder = Path(seed_dir)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            text = read_text_file(path)
        except InputError:
            continue
        out.append((example_label(text), text))
    return out


# -- helpers -----------------------------------------------------------------------------
def _describe_model(role: str, model: dict | None) -> str:
    if not model:
        return f"{role}: none" + (" (extractive, no model)" if role == "summary" else " (off)")
    return f"{role} `{model.get('id')}` ({model.get('engine')})"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _describe_removed(item: dict) -> str:
    kind = item.get("kind", "?")
    text = str(item.get("text", "")).strip().replace("\n", " ")
    if len(text) > 80:
        text = text[:80] + "…"
    return f"{kind}: {text}" if text else kind


def _md_text(text: str) -> str:
    """Text shown inside Markdown: HTML-escaped (a page never runs what an article holds)."""
    return html.escape(text or "", quote=False)


def _md_cell(text: str) -> str:
    return _md_text(text).replace("|", "\\|").replace("\n", " ")


def _toast(message: str) -> None:
    """A warning toast in the page (outside a request Gradio turns it into a Python warning)."""
    try:
        import gradio as gr
    except ImportError:  # pragma: no cover - gradio is a dependency
        return
    gr.Warning(html.escape(message))
