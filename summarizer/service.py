"""The service a long-lived process offers: the models loaded once, the translation choices, the policy.

The web page, a REST API or any other front end are thin adapters over one ``Service``: it loads the
models (never failing on one: the stage is left out and its error kept), offers the named translation
choices that can be loaded here and loads each on first use (the model-choice cache), runs an
article with per-call options, and fetches web addresses with the policy of a server that serves
other people (``http(s)`` only, no private networks unless allowed, one deadline). Nothing here
knows about Gradio or HTTP.

The limits every front end shares are here, each in one place: the work gate (``WorkGate``: articles in
work and waiting), the budget of one request (``Budget``: characters and sentences times beams, checked
before any work), and the fetch queue (``FetchQueue``: web addresses fetched and waiting, per client
too). A run may be given ``cancelled``: the pipeline stops at its next model batch once it says so.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .choices import (
    DEFAULT_BEAMS,
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_TRANSLATION_MODEL,
    TRANSLATION_MODELS,
    choice_of,
    translation_model_id,
)
from .digest.record import Digest
from .errors import (
    ArticleTooLong,
    FetchBusy,
    InputError,
    ModelLoadError,
    OptionError,
    OverBudget,
    ServerBusy,
    TooManyBeams,
)
from .inputs.documents import FETCH_DEADLINE_S, Document, read_url
from .loading import load_stages, why_not_loadable
from .options import OPTIONS, Options, RunOptions
from .pipeline import CancelCheck, Pipeline, StageProgress
from .redact import public_model_id
from .result import Result
from .stages.methods import METHODS, NO_SUMMARY
from .stages.split import split_sentences

log = logging.getLogger(__name__)
LOADED, ON_FIRST_USE = "loaded", "loaded on first use"
# The load options a translation model loaded later (a choice, on first use) is loaded with.
_TRANSLATION_LOAD_OPTIONS = ("engine", "device", "quantization", "translation_decoding", "translation_batch_size")

# The budget of one request (``Budget``). Each sentence costs its characters plus SENTENCE_OVERHEAD_CHARS
# (a sentence's fixed cost: its model batch row, the decoder's start and end, its checks; news sentences
# average about 130 characters), so that 4,000 three-letter sentences cost what they take to translate.
# The longest article passes when its sentences average MIN_MEAN_SENTENCE_CHARS characters or more.
SENTENCE_OVERHEAD_CHARS = 100
MIN_MEAN_SENTENCE_CHARS = 50
MAX_BEAMS = 8  # a request's beam size at most: each beam multiplies a model's work, for little gain past 4
# Web addresses fetched at once (each waits on someone else's server, up to its deadline, not on the
# models), waiting beside them, and in flight for one client (address) at most: a slow site, or one
# client's many addresses, hold at most their share, and the waiting line is at most one deadline long.
FETCH_CONCURRENCY = 8
FETCH_MAX_WAITING = 8
FETCH_PER_CLIENT = 4


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
    def admitted(self, client: str | None = None) -> Iterator[None]:
        """A request's place, taken at once or refused: ``ServerBusy`` when every place is taken.
        ``client``: who asks (an address), for a gate that also limits each client (``FetchQueue``)."""
        with self._lock:
            self._admit(client)
        try:
            yield
        finally:
            with self._lock:
                self._leave(client)

    def _admit(self, client: str | None) -> None:
        """Count a place in, or refuse it (called under the lock)."""
        if self._admitted >= self.capacity:
            raise ServerBusy(self._retry_after())
        self._admitted += 1

    def _leave(self, client: str | None) -> None:
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


class FetchQueue(WorkGate):
    """The server's limit on fetching web addresses, apart from the model work: at most ``concurrency``
    fetches at once, ``max_waiting`` more waiting, and ``per_client`` in flight for one client (its
    address, when the front end knows it). Every fetch is admitted (``Service.read_url``), whichever front
    end asked: beyond a limit it is refused at once (``FetchBusy``, a ``ServerBusy``), never queued.
    """

    def __init__(self, concurrency: int = FETCH_CONCURRENCY, max_waiting: int = FETCH_MAX_WAITING,
                 per_client: int = FETCH_PER_CLIENT):
        super().__init__(concurrency, max_waiting)
        if per_client < 1:
            raise OptionError(f"per_client must be >= 1, not {per_client}")
        self.per_client = per_client
        self._mean_seconds = 1.0  # a fetch's usual time, until fetches are timed
        self._clients: Counter[str] = Counter()

    def _admit(self, client: str | None) -> None:
        if self._admitted >= self.capacity:
            raise FetchBusy(self._retry_after())
        if client is not None and self._clients[client] >= self.per_client:
            raise FetchBusy(self._retry_after(), client_limit=self.per_client)
        self._admitted += 1
        if client is not None:
            self._clients[client] += 1

    def _leave(self, client: str | None) -> None:
        self._admitted -= 1
        if client is not None:
            self._clients[client] -= 1
            if not self._clients[client]:
                del self._clients[client]

    def load(self) -> dict[str, int]:
        return {**super().load(), "per_client": self.per_client}


def _max_cost(max_chars: int, beams: int) -> int:
    """What the longest article costs when its sentences average MIN_MEAN_SENTENCE_CHARS characters."""
    return beams * (max_chars + SENTENCE_OVERHEAD_CHARS * max(1, max_chars // MIN_MEAN_SENTENCE_CHARS))


@dataclass(frozen=True)
class Budget:
    """What one request may cost, checked by every front end before any work (``check``), so that no
    request holds the work slot much longer than the biggest article the server takes.

    cost = beams x sum over the request's sentences of (characters + ``sentence_overhead``). The texts
    of a request are what the pipeline takes as articles: the page's or the REST API's article, each line
    of a LibreTranslate ``q`` (or each text between tags, with ``format=html``); each is split into
    sentences as the pipeline splits it (at least one a text). Beams: the request's ``num_beams``, else
    ``default_beams``. ``max_cost`` defaults to what an article of ``max_chars`` characters costs at the
    default beams when its sentences average MIN_MEAN_SENTENCE_CHARS characters (news: about 130).
    """

    max_chars: int = DEFAULT_MAX_CHARS  # the longest text (``ArticleTooLong`` beyond it)
    max_cost: int = _max_cost(DEFAULT_MAX_CHARS, DEFAULT_BEAMS)
    max_beams: int = MAX_BEAMS
    default_beams: int = DEFAULT_BEAMS
    sentence_overhead: int = SENTENCE_OVERHEAD_CHARS

    @classmethod
    def for_article(cls, max_chars: int, default_beams: int = DEFAULT_BEAMS) -> Budget:
        """The budget of a server whose longest article is ``max_chars`` (at ``default_beams``)."""
        return cls(max_chars, _max_cost(max_chars, default_beams), max(MAX_BEAMS, default_beams), default_beams)

    def cost(self, texts: Sequence[object], num_beams: int | None = None) -> int:
        """What ``texts`` cost at ``num_beams`` (``None``: the default). A text that is not a string costs
        only one sentence's overhead (the pipeline refuses it, in its own words)."""
        return self._cost(texts, num_beams)[0]

    def _cost(self, texts: Sequence[object], num_beams: int | None) -> tuple[int, int, int]:
        """(cost, characters, sentences) of ``texts``."""
        chars = sum(len(t) for t in texts if isinstance(t, str))
        sentences = sum(max(1, len(split_sentences(t))) if isinstance(t, str) else 1 for t in texts)
        return (num_beams or self.default_beams) * (chars + self.sentence_overhead * sentences), chars, sentences

    def check(self, texts: Sequence[object], num_beams: int | None = None) -> int:
        """The request's cost, or the refusal of a text over ``max_chars`` (``ArticleTooLong``), of too
        many beams (``TooManyBeams``), or of a cost over ``max_cost`` (``OverBudget``)."""
        for text in texts:
            if isinstance(text, str) and len(text) > self.max_chars:
                raise ArticleTooLong(len(text), self.max_chars)
        if isinstance(num_beams, int) and num_beams > self.max_beams:
            raise TooManyBeams(num_beams, self.max_beams)
        cost, chars, sentences = self._cost(texts, num_beams)
        if cost > self.max_cost:
            raise OverBudget(cost, self.max_cost, texts=len(texts), beams=num_beams or self.default_beams,
                             chars=chars, sentences=sentences)
        return cost

    def limits(self) -> dict[str, int]:
        """The numbers, for a caller that sizes its requests (``GET /api/v1/models``)."""
        return {"max_chars": self.max_chars, "max_cost": self.max_cost, "max_beams": self.max_beams,
                "default_beams": self.default_beams, "sentence_overhead": self.sentence_overhead}


@dataclass
class Service:
    """The loaded pipeline and what can be loaded beside it.

    ``translations``: the translation choices offered (value -> ``LOADED`` or ``ON_FIRST_USE``): the model
    loaded at start-up (``default_translation``) and every named choice (options.TRANSLATION_MODELS) that
    can be loaded here; ``unavailable``: the named choices that cannot (choice -> why).
    """

    pipeline: Pipeline  # its options: every request's defaults (``options``)
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
    budget: Budget | None = None  # None: from the pipeline's max_chars and beams
    fetches: FetchQueue = field(default_factory=FetchQueue)
    _pipelines: dict[str, Pipeline] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.budget is None:
            self.budget = Budget.for_article(self.pipeline.max_chars, self.pipeline.options.num_beams or DEFAULT_BEAMS)

    @classmethod
    def load(
        cls,
        summary_model: str | None = DEFAULT_SUMMARY_MODEL,
        translation_model: str | None = DEFAULT_TRANSLATION_MODEL,
        *,
        allow_private_urls: bool = False,
        **chosen: Any,
    ) -> Service:
        """``Service.from_options`` with the options as keywords (any of the option table,
        ``options.OPTIONS``) beside the engine settings ``Pipeline`` takes (decodings, batch sizes)."""
        engine_settings = {k: chosen.pop(k) for k in list(chosen) if k not in OPTIONS}
        options = Options.from_kwargs(summary_model=summary_model, translation_model=translation_model, **chosen)
        return cls.from_options(options, allow_private_urls=allow_private_urls, **engine_settings)

    @classmethod
    def from_options(cls, options: Options, *, allow_private_urls: bool = False, **engine_settings: Any) -> Service:
        """Load the models once. Never fails on a model: it leaves the stage out (``load_errors``).

        ``options``: checked already, when they were made (a bad value was an ``OptionError`` then);
        ``options.run`` are the per-article defaults, each open to a request's own value.
        ``engine_settings``: ``loading.load_stages``'s decodings and batch sizes.
        """
        load, run = options.load, options.run
        translation_model = translation_model_id(load.translation_model) if load.translation_model else None
        load_options = {"engine": load.engine, "device": load.device, "quantization": load.quantization,
                        "vocab_restriction": load.vocab_restriction, **engine_settings}
        stages = load_stages(load.summary_model, translation_model, summary_method=run.summary_method,
                             **load_options)
        for error in stages.errors.values():
            log.warning("%s", error)
        pipeline = Pipeline.from_stages(stages.summarizer, stages.translator, options=options,
                                        load_errors=stages.errors, public_answers=True)
        pipeline.options = run.but(summary_method=pipeline.effective_method(run.summary_method))
        service = cls(pipeline, allow_private_urls=allow_private_urls,
                      translation_requested=translation_model is not None,
                      load_options={k: v for k, v in load_options.items() if k in _TRANSLATION_LOAD_OPTIONS})
        service._offer_translations(translation_model if stages.translator is not None else None)
        return service

    def _offer_translations(self, loaded: str | None) -> None:
        """The loaded model first, then the named choices that can be loaded here (checked now, without
        loading them: cache, folder or hub)."""
        if loaded is not None:
            self.default_translation = choice_of(loaded) or public_model_id(loaded)  # a folder: by its name
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
                    base.summarizer, stages.translator, options=Options(run=base.options).but(
                        max_chars=base.max_chars, device=base.device),
                    load_errors={k: v for k, v in base.load_errors.items() if k == "summary"},
                    public_answers=True,
                )
                self.translations[translation] = LOADED
            return self._pipelines[translation]

    # -- running ---------------------------------------------------------------------------------
    def check_budget(self, texts: Sequence[object], num_beams: int | None = None) -> int:
        """What the request of ``texts`` at ``num_beams`` costs, or its refusal (``Budget.check``): every
        front end calls this before any work, and ``run`` and ``translate`` call it again."""
        assert self.budget is not None
        return self.budget.check(texts, num_beams)

    @property
    def options(self) -> RunOptions:
        """Every request's defaults: a request's own values go over them (``options.but(...)``, checked
        once, there)."""
        return self.pipeline.options

    @property
    def default_method(self) -> str:
        return self.options.summary_method

    def run(self, text: object, *, options: RunOptions | None = None, translation: str | None = None,
            progress: StageProgress | None = None, on_load: Callable[[str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Result:
        """One article with this request's ``options`` (``None``: the service's, ``options``); bad input
        raises ``InputError`` (``OverBudget``...), a choice that fails to load ``ModelLoadError``;
        ``cancelled()`` true stops the work at its next batch (``Cancelled``)."""
        text = text if text is not None else ""
        options = options if options is not None else self.options
        self.check_budget([text], options.num_beams)
        pipeline = self.pipeline_for(translation, on_load)
        with self._slot():
            return pipeline(text, options=options, progress=progress, cancelled=cancelled)

    def translate(self, texts: list[str], *, options: RunOptions | None = None, translation: str | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[Result]:
        """Several texts translated without a summary, sharing model batches, in one place of the gate:
        one ``Result`` per text, in order, a failed one with ``error``/``error_code`` set (never raised).

        Raises ``OptionError`` when no translation model is loaded, ``InputError``/``ModelLoadError``
        for a translation choice that is not offered or fails to load, ``OverBudget``... for a request
        over the budget (each text counts), ``Cancelled`` once ``cancelled()`` is true (at a batch).
        """
        options = (options if options is not None else self.options).but(summary_method=NO_SUMMARY)
        self.check_budget(texts, options.num_beams)
        pipeline = self.pipeline_for(translation)
        if pipeline.translator is None:
            raise OptionError("No translation model is loaded here: this server cannot translate.")
        with self._slot():
            return list(pipeline.batch(texts, options=options, progress=False, grow=False, cancelled=cancelled))

    def translate_document(self, path, out, *, options: RunOptions | None = None, translation: str | None = None,
                           overwrite: bool = False, cancelled: Callable[[], bool] | None = None,
                           known: Mapping[str, str] | None = None):
        """``Pipeline.translate_document`` in one place of the gate, with the translation choice
        ``translation``; the document's sentences are held to the budget of one request (``OverBudget``)
        before any is translated. The caller names ``path`` (an upload) and ``out`` (a file of its own)."""
        options = options if options is not None else self.options
        pipeline = self.pipeline_for(translation)
        with self._slot():
            return pipeline.translate_document(path, out, options=options, overwrite=overwrite, cancelled=cancelled,
                                               check=lambda sentences: self.check_budget(sentences, options.num_beams),
                                               known=known)

    def digest(self, texts: Sequence[object], *, options: RunOptions | None = None, translation: str | None = None,
               progress: StageProgress | None = None, cancelled: CancelCheck | None = None) -> Digest:
        """``Pipeline.digest`` of ``texts`` (each held to the budget of one request, all together) in one place
        of the gate, with the translation choice ``translation``; ``cancelled``: as for ``run``."""
        options = options if options is not None else self.options
        self.check_budget([t.get("text") if isinstance(t, dict) else t for t in texts], options.num_beams)
        pipeline = self.pipeline_for(translation)
        with self._slot():
            return pipeline.digest(texts, options=options, progress=progress, cancelled=cancelled)

    def _slot(self):
        return self.gate.slot() if self.gate is not None else _no_gate()

    def read_url(self, url: object, *, client: str | None = None) -> Document:
        """The article at a web address, fetched with the server's policy: ``http(s)`` addresses only (never
        a file of this machine: those come by upload), public networks unless allowed, one deadline, and a
        place in the fetch queue (``FetchBusy`` when it is full, or when ``client`` has its share)."""
        if not isinstance(url, str):
            raise InputError("Give a web address (https://…) as text.")
        with self.fetches.admitted(client), self.fetches.slot():
            return read_url(url.strip(), allow_private=self.allow_private_urls, deadline=self.fetch_deadline)


@contextmanager
def _no_gate() -> Iterator[None]:
    yield
