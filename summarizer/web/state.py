"""What the app holds for its whole life: the stages loaded once, and what could not be loaded."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError
from ..loading import load_stages
from ..options import (
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_SENTENCES,
    DEFAULT_TRANSLATION_MODEL,
    LONG_INPUT_MODES,
    SUMMARY_METHODS,
    check_choice,
)
from ..pipeline import Pipeline
from ..render import md_text

log = logging.getLogger(__name__)

METHOD_LABELS = {
    "abstractive": "Abstractive (mT5): writes its own summary",
    "extractive": "Extractive (LexRank): picks the key sentences",
    "lead": "Lead: the first sentences",
}
LONG_INPUT_LABELS = {
    "lead": "The beginning (first 512 tokens, faster)",
    "chunked": "The whole article, in parts (slower)",
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


@dataclass
class Notice:
    """One thing the page cannot do: a line for everyone, and the details for whoever runs the app."""

    headline: str  # Markdown, one short sentence: what is missing and what the page does instead
    details: str  # Markdown: the load error and how to get the model (commands)


@dataclass
class AppState:
    """The loaded pipeline, the notices for the page, and where downloads are written."""

    pipeline: Pipeline
    notices: list[Notice] = field(default_factory=list)
    default_method: str = "abstractive"
    default_long_input: str = "lead"
    export_dir: Path = field(default_factory=lambda: _scratch_dir())
    # Fetch web addresses on this machine's own or private networks? Off: the page serves other
    # people, and must not become their way into the network it runs on.
    allow_private_urls: bool = False

    @property
    def max_chars(self) -> int:
        return self.pipeline.max_chars

    @property
    def methods(self) -> list[str]:
        """Summary methods that can run (abstractive only when the mT5 model is loaded)."""
        return [m for m in SUMMARY_METHODS if m != "abstractive" or self.pipeline.summarizer is not None]

    @property
    def translation_available(self) -> bool:
        return self.pipeline.translator is not None


def _scratch_dir() -> Path:
    """A folder for this process's exports, removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="summarizer-app-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def load_app(
    summary_model: str | None = DEFAULT_SUMMARY_MODEL,
    translation_model: str | None = DEFAULT_TRANSLATION_MODEL,
    *,
    summary_method: str = "abstractive",
    long_input: str = "lead",
    summary_sentences: int = DEFAULT_SUMMARY_SENTENCES,
    max_chars: int = DEFAULT_MAX_CHARS,
    export_dir: str | Path | None = None,
    allow_private_urls: bool = False,
    **load_options: Any,
) -> AppState:
    """Load the models once. Never fails on a model: it leaves the stage out and records a notice.

    ``load_options`` go to ``loading.load_stages`` (``engine``, ``device``, ``quantization``,
    ``summary_decoding``, ``translation_decoding``...). Bad option values raise ``OptionError``.
    """
    check_choice("summary_method", summary_method, SUMMARY_METHODS)
    check_choice("long_input", long_input, LONG_INPUT_MODES)
    stages = load_stages(summary_model, translation_model, summary_method=summary_method, **load_options)
    pipeline = Pipeline.from_stages(
        stages.summarizer, stages.translator, summary_method=summary_method, long_input=long_input,
        summary_sentences=summary_sentences, max_chars=max_chars, load_errors=stages.errors,
    )
    notices: list[Notice] = []
    summary_error = stages.errors.get("summary")
    if summary_error is not None:
        log.warning("%s", summary_error)
        notices.append(Notice(
            "**Extractive summaries only:** the mT5 summary model could not be loaded, so the page picks "
            "the article's key sentences instead.",
            f"{_load_problem(summary_error)} {_advice(summary_error, SUMMARY_ADVICE)}",
        ))
    translation_error = stages.errors.get("translation")
    if translation_error is not None:
        log.warning("%s", translation_error)
        notices.append(Notice(
            "**No English translation:** the translation model could not be loaded, so the page shows the Arabic "
            "summary only.",
            f"{_load_problem(translation_error)} {_advice(translation_error, TRANSLATION_ADVICE)}",
        ))
    if translation_model is None:
        notices.append(Notice("**No English translation:** no translation model was given, so the page shows the "
                              "Arabic summary only.", TRANSLATION_ADVICE))
    state = AppState(pipeline, notices, pipeline.effective_method(summary_method), long_input,
                     allow_private_urls=allow_private_urls)
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
    """The notice at the top of the page ("" when every model loaded).

    One short line per missing model, which fits a phone's screen; the load errors and the commands
    that fix them are folded away for whoever runs the app.
    """
    if not state.notices:
        return ""
    lines = "\n".join(f"- {n.headline}" for n in state.notices)
    details = "\n\n".join(md_text(n.details) for n in state.notices)
    return (f"### ⚠️ Running with reduced features\n{lines}\n\n"
            f"<details><summary>Why, and how to get the models</summary>\n\n{details}\n\n</details>")


def method_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, value) pairs for the summary-method selector.

    Every method stays a valid value (API callers need not know what loaded); one that cannot run
    says what is used instead.
    """
    return [
        (METHOD_LABELS[m] if m in state.methods else f"{METHOD_LABELS[m].partition(':')[0]}: not loaded, "
         "extractive used", m)
        for m in SUMMARY_METHODS
    ]


def long_input_choices() -> list[tuple[str, str]]:
    return [(LONG_INPUT_LABELS[m], m) for m in LONG_INPUT_MODES]


def models_markdown(state: AppState) -> str:
    """One line under the title: which models this app runs, by name (a local folder by its own name)."""
    models = state.pipeline.models
    return f"Models: {model_name('summary', models.get('summary'))} · {model_name('translation', models.get('translation'))}"


ENGINE_NAMES = {"ctranslate2": "CTranslate2", "transformers": "PyTorch"}


def model_name(role: str, model: dict | None) -> str:
    """``summary: mT5_multilingual_XLSum (CTranslate2)``: a folder by its name, not its path."""
    if not model:
        return f"{role}: none" + (" (extractive summaries)" if role == "summary" else "")
    name = str(model.get("id") or "?").rstrip("/\\")
    if Path(name).is_absolute() or name.startswith((".", "~")) or name.count("/") > 1:
        name = Path(name).name
    engine = ENGINE_NAMES.get(str(model.get("engine")), str(model.get("engine")))
    return f"{role}: {md_text(name)} ({engine})"
