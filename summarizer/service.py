"""The service a long-lived process offers: the models loaded once, the translation choices, the policy.

The web page, a REST API or any other front end are thin adapters over one ``Service``: it loads the
models (never failing on one: the stage is left out and its error kept), offers the named translation
choices that can be loaded here and loads each on first use (the model-choice cache), runs an
article with per-call options, and fetches web addresses with the policy of a server that serves
other people (``http(s)`` only, no private networks unless allowed, one deadline). Nothing here
knows about Gradio or HTTP.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from .config import RUN_OPTION_NAMES, RunOptions
from .documents import FETCH_DEADLINE_S, Document, read_url
from .errors import InputError, ModelLoadError, OptionError, ServerBusy
from .loading import load_stages, why_not_loadable
from .methods import METHODS, NO_SUMMARY
from .options import (
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_TRANSLATION_MODEL,
    TRANSLATION_MODELS,
    choice_of,
    translation_model_id,
)
from .pipeline import Pipeline, StageProgress
from .result import Result

log = logging.getLogger(__name__)
LOADED, ON_FIRST_USE = "loaded", "loaded on first use"
# The load options a translation model loaded later (a choice, on first use) is loaded with.
_TRANSLATION_LOAD_OPTIONS = ("engine", "device", "quantization", "translation_decoding", "translation_batch_size")


class WorkGate:
    """The server's limit on model work, shared by all its front ends (the page, the REST and
    LibreTranslate routes): at most ``concurrency`` articles in work at once (``slot``), and, for a
    front end that admits requests itself (the HTTP API), at most ``max_waiting`` more admitted to
    wait for a slot (``admitted``): beyond that a request is refused at once (``ServerBusy``), never
    queued without bound. The page's own waiting room is Gradio's queue, of the same size.
    """

    def __init__(self, concurrency: int = 1, max_waiting: int = 16):
        if concurrency < 1 or max_waiting < 0:
            raise OptionError(f"concurrency must be >= 1 and max_waiting >= 0, not {concurrency}, {max_waiting}")
        self.concurrency, self.max_waiting = concurrency, max_waiting
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._admitted = 0  # requests of the HTTP API, working or waiting
        self._waiting = 0  # calls waiting for a slot, whichever front end made them
        self._working = 0
        self._mean_seconds = 5.0  # a moving mean of one slot's work: what Retry-After is estimated from

    @property
    def capacity(self) -> int:
        return self.concurrency + self.max_waiting

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """A request's place, taken at once or refused: ``ServerBusy`` when every place is taken."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise ServerBusy(self._retry_after())
            self._admitted += 1
        try:
            yield
        finally:
            with self._lock:
                self._admitted -= 1

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait (blocking this thread) for a place in the model work, and hold it."""
        with self._lock:
            self._waiting += 1
        self._slots.acquire()
        with self._lock:
            self._waiting -= 1
            self._working += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - started
            with self._lock:
                self._working -= 1
                self._mean_seconds = 0.7 * self._mean_seconds + 0.3 * seconds
            self._slots.release()

    def _retry_after(self) -> int:
        """Seconds until a place is likely to be free: the waiting calls' work ahead, spread over the slots."""
        ahead = self._waiting + 1
        return max(1, min(300, math.ceil(self._mean_seconds * ahead / self.concurrency)))

    def load(self) -> dict[str, int]:
        """What the gate holds now (``GET /api/v1/health``)."""
        with self._lock:
            return {"working": self._working, "waiting": self._waiting, "admitted": self._admitted,
                    "concurrency": self.concurrency, "max_queue": self.max_waiting}


@dataclass
class Service:
    """The loaded pipeline and what can be loaded beside it.

    ``translations``: the translation choices offered (value -> ``LOADED`` or ``ON_FIRST_USE``): the model
    loaded at start-up (``default_translation``) and every named choice (options.TRANSLATION_MODELS) that
    can be loaded here; ``unavailable``: the named choices that cannot (choice -> why).
    """

    pipeline: Pipeline
    default_method: str = "abstractive"
    default_long_input: str = "lead"
    default_translation: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    load_options: dict[str, Any] = field(default_factory=dict)
    # Fetch web addresses on this machine's own or private networks? Off: a server serves other people,
    # and must not become their way into the network it runs on.
    allow_private_urls: bool = False
    fetch_deadline: float = FETCH_DEADLINE_S  # seconds for one web address, redirects included
    translation_requested: bool = True
    gate: WorkGate | None = None  # None: no limit (a script's own service); a server sets one
    _pipelines: dict[str, Pipeline] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(
        cls,
        summary_model: str | None = DEFAULT_SUMMARY_MODEL,
        translation_model: str | None = DEFAULT_TRANSLATION_MODEL,
        *,
        allow_private_urls: bool = False,
        **options: Any,
    ) -> Service:
        """Load the models once. Never fails on a model: it leaves the stage out (``load_errors``).

        ``options``: the per-article defaults (``config.RunOptions``'s fields: summary_method, long_input,
        summary_sentences, checks...), ``max_chars``, and the load options, which go to ``loading.load_stages`` (``engine``,
        ``device``, ``quantization``, ``summary_decoding``, ``translation_decoding``...). Bad values raise
        ``OptionError``.
        """
        run_options = {k: options.pop(k) for k in RUN_OPTION_NAMES if k in options}
        max_chars = options.pop("max_chars", DEFAULT_MAX_CHARS)  # the longest article, for every front end
        load_options = options
        defaults = RunOptions(**run_options)  # checked before anything loads
        summary_method = defaults.summary_method
        if translation_model:
            translation_model = translation_model_id(translation_model)  # a named choice -> its hub id
        stages = load_stages(summary_model, translation_model, summary_method=summary_method, **load_options)
        for error in stages.errors.values():
            log.warning("%s", error)
        pipeline = Pipeline.from_stages(stages.summarizer, stages.translator, max_chars=max_chars,
                                        load_errors=stages.errors, **run_options)
        service = cls(pipeline, pipeline.effective_method(summary_method), defaults.long_input,
                      allow_private_urls=allow_private_urls, translation_requested=translation_model is not None,
                      load_options={k: v for k, v in load_options.items() if k in _TRANSLATION_LOAD_OPTIONS})
        service._offer_translations(translation_model if stages.translator is not None else None)
        return service

    def _offer_translations(self, loaded: str | None) -> None:
        """The loaded model first, then the named choices that can be loaded here (checked now, without
        loading them: cache, folder or hub)."""
        if loaded is not None:
            self.default_translation = choice_of(loaded) or loaded
            self.translations[self.default_translation] = LOADED
        for name in TRANSLATION_MODELS:
            if name == self.default_translation:
                continue
            problem = why_not_loadable(name, role="translation", engine=self.load_options.get("engine", "auto"),
                                       quantization=self.load_options.get("quantization"))
            if problem is None:
                self.translations[name] = ON_FIRST_USE
            else:
                self.unavailable[name] = problem.reason

    # -- what can run ----------------------------------------------------------------------------
    @property
    def max_chars(self) -> int:
        return self.pipeline.max_chars

    @property
    def load_errors(self) -> dict[str, ModelLoadError]:
        return self.pipeline.load_errors

    @property
    def methods(self) -> list[str]:
        """Summary methods that can run (one that needs the model only when it is loaded)."""
        return [name for name, m in METHODS.items() if not m.needs_model or self.pipeline.summarizer is not None]

    @property
    def translation_available(self) -> bool:
        return self.pipeline.translator is not None

    def pipeline_for(self, translation: str | None, on_load: Callable[[str], None] | None = None) -> Pipeline:
        """The pipeline that translates with ``translation`` (a value of ``translations``; ``None``: the
        start-up one), loading its model on first use (``on_load(choice)`` is told first).

        Raises ``InputError`` for a value not offered, ``ModelLoadError`` when loading fails.
        """
        if translation in (None, "", self.default_translation):
            return self.pipeline
        if not isinstance(translation, str) or translation not in self.translations:
            offered = ", ".join(self.translations) or "none"
            raise InputError(f"Unknown translation model {translation!r}: choose one of {offered}.",
                             code="unknown-translation")
        with self._lock:
            if translation not in self._pipelines:
                if on_load is not None:
                    on_load(translation)
                stages = load_stages(None, translation, beside_summary=self.pipeline.summarizer is not None,
                                     **self.load_options)
                if "translation" in stages.errors:
                    raise stages.errors["translation"]
                base = self.pipeline
                self._pipelines[translation] = Pipeline.from_stages(
                    base.summarizer, stages.translator, max_chars=base.max_chars,
                    load_errors={k: v for k, v in base.load_errors.items() if k == "summary"},
                    **asdict(base.options),
                )
                self.translations[translation] = LOADED
            return self._pipelines[translation]

    # -- running ---------------------------------------------------------------------------------
    def run(self, text: object, *, translation: str | None = None, progress: StageProgress | None = None,
            on_load: Callable[[str], None] | None = None, **overrides: Any) -> Result:
        """One article with per-call options (``summary_method``, ``long_input``, ``summary_sentences``,
        ``num_beams``, ``checks``); bad input raises ``InputError``, a choice that fails to load
        ``ModelLoadError``."""
        overrides = {k: v for k, v in overrides.items() if v is not None}
        overrides.setdefault("summary_method", self.default_method)
        overrides.setdefault("long_input", self.default_long_input)
        pipeline = self.pipeline_for(translation, on_load)
        with self._slot():
            return pipeline(text if text is not None else "", progress=progress, **overrides)

    def translate(self, texts: list[str], *, translation: str | None = None, **overrides: Any) -> list[Result]:
        """Several texts translated without a summary, sharing model batches, in one place of the gate:
        one ``Result`` per text, in order, a failed one with ``error``/``error_code`` set (never raised).

        Raises ``OptionError`` when no translation model is loaded, ``InputError``/``ModelLoadError``
        for a translation choice that is not offered or fails to load.
        """
        pipeline = self.pipeline_for(translation)
        if pipeline.translator is None:
            raise OptionError("No translation model is loaded here: this server cannot translate.")
        overrides = {k: v for k, v in overrides.items() if v is not None}
        overrides["summary_method"] = NO_SUMMARY
        with self._slot():
            return list(pipeline.batch(texts, progress=False, grow=False, **overrides))

    def _slot(self):
        return self.gate.slot() if self.gate is not None else _no_gate()

    def read_url(self, url: object) -> Document:
        """The article at a web address, fetched with the server's policy: ``http(s)`` addresses only (never
        a file of this machine: those come by upload), public networks unless allowed, one deadline."""
        if not isinstance(url, str):
            raise InputError("Give a web address (https://…) as text.")
        return read_url(url.strip(), allow_private=self.allow_private_urls, deadline=self.fetch_deadline)


@contextmanager
def _no_gate() -> Iterator[None]:
    yield
