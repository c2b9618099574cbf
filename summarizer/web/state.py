"""What the page holds for its whole life: the service (models, choices, policy), its notices, its downloads."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..choices import DEFAULT_SUMMARY_MODEL, DEFAULT_TRANSLATION_MODEL, LONG_INPUT_MODES, TRANSLATION_MODELS
from ..errors import ModelLoadError
from ..redact import public_model_id, without_paths
from ..render import choice_and_licence, md_text
from ..service import Service
from ..stages.methods import METHODS

log = logging.getLogger(__name__)

LONG_INPUT_LABELS = {
    "lead": "The beginning (first 512 tokens, faster)",
    "chunked": "The whole article, in parts (slower)",
}
TRANSLATION_ADVICE = (
    "To get the English translation: on a machine with a network, run "
    "`hf download Helsinki-NLP/opus-mt-tc-big-ar-en --local-dir models/opus-mt-tc-big-ar-en`, copy `models/` "
    "here, and restart with `python app.py --translation-model models/opus-mt-tc-big-ar-en` "
    "(or copy a filled Hugging Face cache, `HF_HOME`, here and set `HF_HUB_OFFLINE=1`)."
)
SUMMARY_ADVICE = (
    "To get the abstractive summary: on a machine with a network, run "
    "`hf download csebuetnlp/mT5_multilingual_XLSum --local-dir models/mT5_multilingual_XLSum`, copy `models/` "
    "here, and restart with `python app.py --summary-model models/mT5_multilingual_XLSum`."
)


@dataclass
class PageNotice:
    """One thing the page cannot do: a line for everyone, and the details for whoever runs the app."""

    headline: str  # Markdown, one short sentence: what is missing and what the page does instead
    details: str  # Markdown: the load error and how to get the model (commands)


class PageRuns:
    """The summaries each visitor's page is running, so that Stop stops them on the server too.

    Gradio's ``cancels`` drops a run in the browser at once, but the handler's thread goes on until the
    pipeline returns, holding a place in the work gate that the next visitor waits for. Each run of a
    page session (Gradio's ``session_hash``) gets a switch here: Stop, a new article or Clear throws the
    session's switches, and the pipeline stops at its next model batch (``Service.run(cancelled=...)``).
    (An API client's calls share one session and may overlap: a new run never stops another.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._switches: dict[str, set[threading.Event]] = {}

    @contextmanager
    def running(self, session: str | None) -> Iterator[Callable[[], bool]]:
        """A run of ``session``'s page: yields the ``cancelled()`` to give the pipeline. A run without a
        session (none known) cannot be stopped from elsewhere."""
        switch = threading.Event()
        if session:
            with self._lock:
                self._switches.setdefault(session, set()).add(switch)
        try:
            yield switch.is_set
        finally:
            if session:
                with self._lock:
                    left = self._switches.get(session, set())
                    left.discard(switch)
                    if not left:
                        self._switches.pop(session, None)

    def stop(self, session: str | None) -> int:
        """Stop ``session``'s running summaries: how many there were."""
        if not session:
            return 0
        with self._lock:
            switches = self._switches.pop(session, set())
        for switch in switches:
            switch.set()
        return len(switches)

    def __len__(self) -> int:
        """The sessions with a run on."""
        with self._lock:
            return len(self._switches)


@dataclass
class AppState:
    """The page's side of a ``Service``: the notices it shows and where downloads are written.

    Everything about models, choices and fetching is the service's: the page reads it there
    (``state.service.pipeline``, ``state.service.read_url``...), one owner for each.
    """

    service: Service
    notices: list[PageNotice] = field(default_factory=list)
    export_dir: Path = field(default_factory=lambda: _scratch_dir())
    runs: PageRuns = field(default_factory=PageRuns)  # each page's running summary, for Stop

    @property
    def translations(self) -> dict[str, str]:
        """The translation choices the page offers: value -> label."""
        return {value: translation_label(value, status) for value, status in self.service.translations.items()}

    def close(self) -> None:
        """Remove the export folder when this app made it (a folder given by ``export_dir`` stays)."""
        if self.export_dir in _SCRATCH:
            shutil.rmtree(self.export_dir, ignore_errors=True)
            _SCRATCH.discard(self.export_dir)


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
    export_dir: str | Path | None = None,
    warm: bool = True,
    **options: Any,
) -> AppState:
    """Load the service (``Service.load``: the models once, never failing on one) and the page's notices.

    ``options``: ``Service.load``'s (summary_method, long_input, summary_sentences, max_chars,
    allow_private_urls, checks, and the load options: engine, device, quantization, decodings...).
    ``warm``: run one tiny article through the pipeline before the page is served (``warm_up``).
    """
    return app_for(Service.load(summary_model, translation_model, **options), export_dir=export_dir, warm=warm)


def app_for(service: Service, *, export_dir: str | Path | None = None, warm: bool = True) -> AppState:
    """The page's state over a loaded ``service`` (``summarizer serve``: ``Service.from_options``)."""
    if warm:
        warm_up(service)
    if export_dir is not None:
        Path(export_dir).mkdir(parents=True, exist_ok=True)
    return AppState(service, page_notices(service), **({"export_dir": Path(export_dir)} if export_dir else {}))


# Two short sentences: enough for every stage to run once (tokenizers, engines, the checks).
WARM_UP_ARTICLE = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف. وأضاف أن الوفدين سيلتقيان صباح الاثنين."


def warm_up(service: Service) -> float:
    """Run one tiny article through the pipeline, so that the first user's click does not pay for the
    engines' first call (seconds: lazily built kernels, tokenizer caches); the seconds it took.
    Never fails: a problem is logged, and the first click meets it again with its own message."""
    import time

    from summarizer.checks.name_shape import looks_foreign

    started = time.perf_counter()
    try:
        service.run(WARM_UP_ARTICLE)
        looks_foreign("بيتسبرغ")  # the name check's letter models, built once (the article may not need them)
    except Exception as exc:
        log.warning("warming up the models failed: %s", exc)
    took = time.perf_counter() - started
    log.info("models warmed up in %.1f s", took)
    return took


def page_notices(service: Service) -> list[PageNotice]:
    """One notice per model the page runs without, in the page's words, with what to do about it."""
    headlines = {
        "summary": ("**Extractive summaries only:** the mT5 summary model could not be loaded, so the page picks "
                    "the article's key sentences instead.", SUMMARY_ADVICE),
        "translation": ("**No English translation:** the translation model could not be loaded, so the page shows "
                        "the Arabic summary only.", TRANSLATION_ADVICE),
    }
    notices = [PageNotice(headline, f"{_load_problem(error)} {_advice(error, how_to_get_it)}")
               for role, (headline, how_to_get_it) in headlines.items()
               if (error := service.load_errors.get(role)) is not None]
    if not service.translation_requested:
        notices.append(PageNotice("**No English translation:** no translation model was given, so the page shows the "
                              "Arabic summary only.", TRANSLATION_ADVICE))
    return notices


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
    """One line under the selector, in the page's words: what a choice costs, and which choices this
    server cannot load (why is for whoever runs it: in its log and in docs/models.md, not on the page)."""
    text = "Another model takes a few seconds to minutes to load the first time it is chosen."
    if state.service.unavailable:
        text += f" Not available here: {', '.join(state.service.unavailable)} (not downloaded to this server)."
    return text


def _load_problem(exc: ModelLoadError) -> str:
    """Which model and why, in words for the page's readers: its hub id or folder name, no path of the server."""
    return f"Could not load the {exc.role} model `{public_model_id(exc.model)}`: {without_paths(exc.reason)}."


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
    return (f"## ⚠️ Running with reduced features\n{lines}\n\n"
            f"<details><summary>Why, and how to get the models</summary>\n\n{details}\n\n</details>")


def method_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, value) pairs for the summary-method selector.

    Every method stays a valid value (API callers need not know what loaded); one that cannot run
    says what is used instead.
    """
    return [
        (m.label if name in state.service.methods else f"{m.label.partition(':')[0]}: not loaded on this server, extractive used", name)
        for name, m in METHODS.items()
    ]


def long_input_choices() -> list[tuple[str, str]]:
    return [(LONG_INPUT_LABELS[m], m) for m in LONG_INPUT_MODES]


def models_markdown(state: AppState) -> str:
    """One line under the title: which models this app runs, by name (a local folder by its own name)."""
    models = state.service.pipeline.models
    return f"Models: {model_name('summary', models.get('summary'))} · {model_name('translation', models.get('translation'))}"


ENGINE_NAMES = {"ctranslate2": "CTranslate2", "transformers": "PyTorch"}


def model_name(role: str, model: dict | None) -> str:
    """``summary: mT5_multilingual_XLSum (CTranslate2)``: a folder by its name, not its path."""
    if not model:
        return f"{role}: none" + (" (extractive summaries)" if role == "summary" else "")
    name = public_model_id(str(model.get("id") or "?"))
    engine = ENGINE_NAMES.get(str(model.get("engine")), str(model.get("engine")))
    return f"{role}: {md_text(name)} ({engine})" + choice_and_licence(model)
