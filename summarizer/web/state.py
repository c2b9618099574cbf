"""What the app holds for its whole life: the stages loaded once, and what could not be loaded."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents import FETCH_DEADLINE_S, Document, read_url
from ..errors import InputError, ModelLoadError
from ..loading import load_stages, why_not_loadable
from ..methods import METHODS, get_method
from ..options import (
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_SENTENCES,
    DEFAULT_TRANSLATION_MODEL,
    LONG_INPUT_MODES,
    TRANSLATION_MODELS,
    check_choice,
    choice_of,
    translation_model_id,
)
from ..pipeline import Pipeline
from ..render import choice_and_licence, md_text

log = logging.getLogger(__name__)

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
    """The loaded pipeline, the notices for the page, and where downloads are written.

    ``translations``: the translation models the page offers (value -> label): the one loaded at start-up
    (``default_translation``) and every named choice (options.TRANSLATION_MODELS) that can be loaded here;
    those are loaded on first use (``pipeline_for``), then kept. ``unavailable``: the named choices that
    cannot (choice -> why).
    """

    pipeline: Pipeline
    notices: list[Notice] = field(default_factory=list)
    default_method: str = "abstractive"
    default_long_input: str = "lead"
    export_dir: Path = field(default_factory=lambda: _scratch_dir())
    # Fetch web addresses on this machine's own or private networks? Off: the page serves other
    # people, and must not become their way into the network it runs on.
    allow_private_urls: bool = False
    fetch_deadline: float = FETCH_DEADLINE_S  # seconds for one web address, redirects included

    @property
    def max_chars(self) -> int:
        return self.pipeline.max_chars
    default_translation: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    load_options: dict[str, Any] = field(default_factory=dict)
    _pipelines: dict[str, Pipeline] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pipeline_for(self, translation: str | None, progress: Callable[..., Any] | None = None) -> Pipeline:
        """The pipeline that translates with ``translation`` (a value of ``translations``; ``None``: the
        start-up one), loading its model on first use (``progress(0.0, desc=...)`` says so).

        Raises ``InputError`` for a value the page does not offer, ``ModelLoadError`` when loading fails.
        """
        if translation in (None, "", self.default_translation):
            return self.pipeline
        if not isinstance(translation, str) or translation not in self.translations:
            offered = ", ".join(self.translations) or "none"
            raise InputError(f"Unknown translation model {translation!r}: choose one of {offered}.")
        with self._lock:
            if translation not in self._pipelines:
                if progress is not None:
                    progress(0.0, desc=f"Loading the translation model {translation} (first use, once)")
                stages = load_stages(None, translation, beside_summary=self.pipeline.summarizer is not None,
                                     **self.load_options)
                if "translation" in stages.errors:
                    raise stages.errors["translation"]
                base = self.pipeline
                self._pipelines[translation] = Pipeline.from_stages(
                    base.summarizer, stages.translator, summary_method=base.summary_method,
                    long_input=base.long_input, summary_sentences=base.summary_sentences, max_chars=base.max_chars,
                    load_errors={k: v for k, v in base.load_errors.items() if k == "summary"},
                    checks=base.options.checks,
                )
            return self._pipelines[translation]

    def read_url(self, url: object) -> Document:
        """The article at a web address, fetched with the page's policy: ``http(s)`` addresses only (never
        a file of this machine: those come by upload), public networks unless allowed, one deadline."""
        if not isinstance(url, str):
            raise InputError("Give a web address (https://…) as text.")
        return read_url(url.strip(), allow_private=self.allow_private_urls, deadline=self.fetch_deadline)

    def close(self) -> None:
        """Remove the export folder when this app made it (a folder given by ``export_dir`` stays)."""
        if self.export_dir in _SCRATCH:
            shutil.rmtree(self.export_dir, ignore_errors=True)
            _SCRATCH.discard(self.export_dir)

    @property
    def methods(self) -> list[str]:
        """Summary methods that can run (one that needs the model only when it is loaded)."""
        return [name for name, m in METHODS.items() if not m.needs_model or self.pipeline.summarizer is not None]

    @property
    def translation_available(self) -> bool:
        return self.pipeline.translator is not None


_SCRATCH: set[Path] = set()  # the export folders this process made (and so may remove)


def _scratch_dir() -> Path:
    """A folder for this process's exports, removed when the process ends (``AppState.close``, or at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="summarizer-app-"))
    _SCRATCH.add(folder)
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
    checks: str = "on",
    **load_options: Any,
) -> AppState:
    """Load the models once. Never fails on a model: it leaves the stage out and records a notice.

    ``load_options`` go to ``loading.load_stages`` (``engine``, ``device``, ``quantization``,
    ``summary_decoding``, ``translation_decoding``...). Bad option values raise ``OptionError``.
    """
    get_method(summary_method)
    check_choice("long_input", long_input, LONG_INPUT_MODES)
    if translation_model:
        translation_model = translation_model_id(translation_model)  # a named choice -> its hub id
    stages = load_stages(summary_model, translation_model, summary_method=summary_method, **load_options)
    pipeline = Pipeline.from_stages(
        stages.summarizer, stages.translator, summary_method=summary_method, long_input=long_input,
        summary_sentences=summary_sentences, max_chars=max_chars, load_errors=stages.errors, checks=checks,
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
    if export_dir is not None:
        Path(export_dir).mkdir(parents=True, exist_ok=True)
    state = AppState(pipeline, notices, pipeline.effective_method(summary_method), long_input,
                     allow_private_urls=allow_private_urls,
                     **({"export_dir": Path(export_dir)} if export_dir is not None else {}))
    _offer_translations(state, translation_model if stages.translator is not None else None, load_options)
    return state


def _offer_translations(state: AppState, loaded: str | None, load_options: dict[str, Any]) -> None:
    """Fill the page's translation choices: the loaded model first, then the named choices that can be
    loaded here (checked now, without loading them: cache, folder or hub)."""
    state.load_options = {k: v for k, v in load_options.items()
                          if k in ("engine", "device", "quantization", "translation_decoding", "translation_batch_size")}
    if loaded is not None:
        state.default_translation = choice_of(loaded) or loaded
        state.translations[state.default_translation] = translation_label(state.default_translation, "loaded")
    for name in TRANSLATION_MODELS:
        if name == state.default_translation:
            continue
        problem = why_not_loadable(name, role="translation", engine=load_options.get("engine", "auto"),
                                   quantization=load_options.get("quantization"))
        if problem is None:
            state.translations[name] = translation_label(name, "loaded on first use")
        else:
            state.unavailable[name] = problem.reason


def translation_label(value: str, status: str) -> str:
    """``best: Opus-MT tc-big ar-en (...) · CC-BY-4.0 · loaded on first use``."""
    choice = TRANSLATION_MODELS.get(value)
    if choice is None:
        return f"{value} · {status}"
    return f"{value}: {choice.label} · {choice.licence} · {status}"


def translation_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, value) pairs for the translation-model selector."""
    return [(label, value) for value, label in state.translations.items()]


def translation_info(state: AppState) -> str:
    """One line under the selector: what a choice costs, and the choices that cannot be loaded here."""
    text = "Another model is loaded when first used (a few seconds to minutes); docs/models.md compares them."
    by_reason: dict[str, list[str]] = {}
    for name, why in state.unavailable.items():
        by_reason.setdefault(why, []).append(name)
    for why, names in by_reason.items():
        text += f" Not available here: {', '.join(names)} ({why})."
    return text


def _load_problem(exc: ModelLoadError) -> str:
    return f"Could not load the {exc.role} model `{exc.model}`: {exc.reason}."


def _advice(exc: ModelLoadError, how_to_get_it: str) -> str:
    """The app's own advice (restart with a folder), after the error's when that says something else."""
    if exc.advice_code == "download-hub":  # the generic download advice: ours says the same, for the app
        return how_to_get_it
    return f"{exc.advice_for('page')} {how_to_get_it}"


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
        (m.label if name in state.methods else f"{m.label.partition(':')[0]}: not loaded, extractive used", name)
        for name, m in METHODS.items()
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
    return f"{role}: {md_text(name)} ({engine})" + choice_and_licence(model)
