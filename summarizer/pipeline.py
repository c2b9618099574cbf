"""The pipeline: clean -> split -> summarise (Arabic) -> translate -> English summary.

One ``Pipeline`` holds the built stages; ``pipeline(text)`` runs one article and
``pipeline.batch(items)`` runs many, sharing model batches across articles. ``Pipeline(...)``
loads models by name through ``loading.load_stages``; ``Pipeline.from_stages(...)`` takes stages
already built (a benchmark's timed engine, a test's tiny model).
"""

from __future__ import annotations

import contextvars
import functools
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .checks.registry import PAIR, SUMMARY, SUMMARY_TRANSLATION, run_article_checks, run_checks
from .choices import (
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_TRANSLATION_MODEL,
    GROUP_SIZES,
    check_int,
    choice_of,
    licence_of,
)
from .digest.record import Digest
from .engines.base import SUMMARY_DECODING, TRANSLATION_DECODING, DecodeSettings, Seq2SeqEngine
from .engines.vocabulary import describe as describe_vocabulary
from .errors import API, PYTHON, Cancelled, InputError, ModelLoadError, OptionError, ProcessingError
from .inputs.text import check_arabic, check_text
from .isolation import each_alone_on_failure, failure_message
from .loading import LoadedStages, load_stages
from .notices import Notice, notice
from .options import Options, RunOptions
from .redact import public_model_id
from .repair import repair_pairs
from .result import Result, RunInfo, SentencePair, SummaryInfo
from .stages.abstractive import AbstractiveSummarizer
from .stages.clean import clean_article, removal_words
from .stages.methods import FALLBACK, NO_SUMMARY, MethodContext, get_method
from .stages.split import split_sentences
from .stages.summary_sources import overlap_sources
from .stages.translate import JoinedSentences, TranslationJob, Translator

STAGES = ("clean", "split", "summarize", "translate", "summary_en")

log = logging.getLogger(__name__)
# Called as progress(stage, done, total) while a stage runs (the app maps it to a progress bar).
StageProgress = Callable[[str, int, int], None]
# Asked between model batches: True once the work is no longer wanted (a server's client left).
CancelCheck = Callable[[], bool]


@dataclass
class _Work:
    """One article on its way through a batch."""

    index: int
    result: Result


@dataclass
class _JoinedSummaries:
    """The written summaries whose sentences joined the articles' translation, read once it is done."""

    works: list[_Work]
    written: list[_Work]
    sentences: list[list[str]]
    joined: JoinedSentences

    def apply(self, job: TranslationJob) -> None:
        english = [t.text for t in job.joined_result(self.joined)]
        offset = 0
        for work, sentences in zip(self.written, self.sentences, strict=True):
            work.result.summary_en = " ".join(e for e in english[offset : offset + len(sentences)] if e)
            offset += len(sentences)
        _share_time(self.works, "summary_en", job.joined_seconds(self.joined))


class Pipeline:
    """Arabic news article in; Arabic summary, aligned English translation and English summary out.

    Args:
        summary_model / translation_model: hub id or local folder (HF format or a CTranslate2
            export); translation_model may also name a choice: "best" (Opus-MT tc-big ar-en, the default),
            "fast" (Opus-MT ar-en), "nllb-600m" (NLLB-200 distilled 600M, non-commercial).
            ``translation_model=None`` skips translation.
        summary_method: "abstractive" (mT5), "extractive" (LexRank), "lead" (first sentences) or
            "none" (translation only: no summary, no summary model loaded; see ``translate``). When
            the mT5 model cannot be loaded, "abstractive" falls back to "extractive" with a warning,
            and the error is kept in ``load_errors["summary"]``.
        long_input: how the abstractive summary reads articles over 512 tokens ("lead" or "chunked").
        summary_sentences: sentences in an extractive / lead summary.
        engine: "auto" (CTranslate2, converting a Hugging Face model once into the cache; transformers
            on a GPU that CTranslate2 cannot use), "transformers" or "ctranslate2".
        num_beams: beam size of both models (default: their published 4).
        vocab_restriction: "on" (default): CTranslate2 decoders keep only the pieces of their output
            language (Arabic summary, English translation), exported once into a cache folder of their
            own; "off": the whole vocabulary. Recorded in ``result.models``.

    A translation model that cannot be loaded raises ``ModelLoadError``: there is no substitute
    for the English a caller asked for (``loading.load_stages`` + ``from_stages`` run without it).
    """

    def __init__(
        self,
        summary_model: str | None = DEFAULT_SUMMARY_MODEL,
        translation_model: str | None = DEFAULT_TRANSLATION_MODEL,
        *,
        translation_batch_size: int | None = None,
        summary_batch_size: int | None = None,
        summary_decoding: DecodeSettings = SUMMARY_DECODING,
        translation_decoding: DecodeSettings = TRANSLATION_DECODING,
        **options: Any,
    ):
        chosen = Options.from_kwargs(summary_model=summary_model, translation_model=translation_model,
                                     **options)  # checked before anything loads
        load, run = chosen.load, chosen.run
        if run.num_beams is not None:  # the models' own settings, for every call
            summary_decoding = summary_decoding.but(num_beams=run.num_beams)
            translation_decoding = translation_decoding.but(num_beams=run.num_beams)
            run = RunOptions(**{**run, "num_beams": None})
        stages = load_stages(
            load.summary_model, load.translation_model, summary_method=run.summary_method, engine=load.engine,
            device=load.device, quantization=load.quantization, vocab_restriction=load.vocab_restriction,
            summary_decoding=summary_decoding, translation_decoding=translation_decoding,
            summary_batch_size=summary_batch_size, translation_batch_size=translation_batch_size,
        )
        if "translation" in stages.errors:
            raise stages.errors["translation"]
        self._build(stages, run, load.max_chars, translation_requested=bool(load.translation_model))
        self.device = load.device

    @classmethod
    def from_options(cls, options: Options, **engine_settings: Any) -> Pipeline:
        """The pipeline of one options object (a surface's, checked once): ``Pipeline(**options.to_dict())``.
        ``engine_settings``: the batch sizes and decodings ``Pipeline`` takes beside the options."""
        return cls(**options.to_dict(), **engine_settings)

    @classmethod
    def from_stages(
        cls,
        summarizer: AbstractiveSummarizer | None = None,
        translator: Translator | None = None,
        *,
        options: Options | None = None,
        load_errors: dict[str, ModelLoadError] | None = None,
        public_answers: bool = False,
        **chosen: Any,
    ) -> Pipeline:
        """A pipeline over stages that are already built; ``load_errors`` says why a stage is missing.

        ``options`` (or keywords of the option table, ``options.OPTIONS``, over it): the per-article
        defaults (summary_method, long_input, num_beams, checks...: each still open to a per-call
        override), ``max_chars`` and ``device``; the options that choose models are the stages'.
        ``public_answers``: its results go to other people (a server's callers): its models are named by hub
        id or folder name, and its load errors quote no path of this machine (``redact``)."""
        options = (options or Options()).but(**chosen)
        pipeline = cls.__new__(cls)
        stages = LoadedStages(summarizer, translator, dict(load_errors or {}))
        pipeline._build(stages, options.run, options.load.max_chars,
                        translation_requested="translation" in stages.errors, public_answers=public_answers)
        pipeline.device = options.load.device
        return pipeline

    def _build(self, stages: LoadedStages, options: RunOptions, max_chars: int, *, translation_requested: bool,
               public_answers: bool = False) -> None:
        self.public_answers = public_answers
        self.summarizer: AbstractiveSummarizer | None = stages.summarizer
        self.device = "cpu"  # what batch() sizes its groups for; Pipeline(device=...) sets it
        self.translator: Translator | None = stages.translator
        self.options: RunOptions = options  # each call may override any of them
        self.max_chars = max_chars
        self.load_errors: dict[str, ModelLoadError] = dict(stages.errors)  # by role, for callers that explain them
        # What holds for every article of this pipeline (scope "run"): recorded once, put first in each result.
        self.load_notices: list[Notice] = []
        words = API if public_answers else PYTHON  # the API's words name a folder, not its path
        if "summary" in self.load_errors:
            self.load_notices.append(notice("summary-model-missing",
                                            error=self.load_errors["summary"].message(words)))
        if "translation" in self.load_errors:
            self.load_notices.append(notice("translation-model-missing",
                                            error=self.load_errors["translation"].message(words)))
        elif self.translator is None and not translation_requested:
            self.load_notices.append(notice("translation-off"))
        self.load_notices.extend(notice("engine-substituted", note=note) for note in stages.notes)

    # -- model facts -------------------------------------------------------------------
    @property
    def models(self) -> dict:
        """Per role: the model's id (``shown_id``), engine, named choice (or None) and licence (None: unknown
        here)."""

        def describe(engine: Seq2SeqEngine | None) -> dict | None:
            if engine is None:
                return None
            known = _converted_from(engine)
            restriction = getattr(engine, "vocab_restriction", None)
            return {"id": self.shown_id(engine), "engine": engine.engine, "choice": choice_of(known),
                    "licence": licence_of(known), "vocab_restriction": "on" if restriction else "off",
                    "target_vocabulary": describe_vocabulary(restriction)}

        return {
            "summary": describe(self.summarizer.engine if self.summarizer else None),
            "translation": describe(self.translator.engine if self.translator else None),
        }

    @functools.cached_property
    def info(self) -> RunInfo:
        """The run's facts, given once: the models by role (``models``), their licences and the load
        notices (``load_notices``). Every result of this pipeline holds this one object as ``result.run``::

            info = pipeline.info                    # models, licences, load notices: once
            for result in pipeline.batch(texts):    # each article's own result; result.run is info
                print(result.id, result.summary_en)

        Made the first time it is read: a pipeline's stages do not change once it is built."""
        return RunInfo(self.models, list(self.load_notices))

    def shown_id(self, engine: Seq2SeqEngine) -> str:
        """What this pipeline's results call ``engine``'s model: as its user gave it (a hub id, a folder as
        typed, never a path resolved from it); with ``public_answers``, what other people may read: a hub id
        (an export's: the one it was converted from) or a folder's name only (``redact.public_model_id``)."""
        if not self.public_answers:
            return engine.model_id
        return public_model_id(engine.model_id, _converted_from(engine)) or engine.model_id

    def effective_method(self, requested: str | None = None) -> str:
        """The method that runs for ``requested``: one that needs the model falls back when it is missing."""
        method = get_method(requested or self.options.summary_method)
        return FALLBACK if method.needs_model and self.summarizer is None else method.name

    # -- running -----------------------------------------------------------------------
    def __call__(self, text: str, *, options: RunOptions | None = None, progress: StageProgress | None = None,
                 cancelled: CancelCheck | None = None, **overrides) -> Result:
        """Run one article; bad input raises ``InputError`` with a message fit for the user.

        ``options``: this call's (a surface's, checked once; ``None``: the pipeline's own), and
        ``overrides`` over them: any per-call option of the table as a keyword (``summary_method``,
        ``summary_length``, ``long_input``, ``num_beams``, ``checks``...); ``None`` keeps the value.
        ``cancelled``: asked before the work and after each model batch; once it is true, ``Cancelled``
        is raised there (a server's client left: its work slot is freed within one batch).
        """
        options = (options if options is not None else self.options).but(**overrides)
        result = next(self._run_group([(None, text)], options, progress, cancelled))
        if result.error:
            if isinstance(result.failure, InputError):
                raise result.failure
            if result.failure is not None:
                raise ProcessingError(result.error) from result.failure
            raise InputError(result.error)
        return result

    def translate(self, text: str, *, options: RunOptions | None = None, progress: StageProgress | None = None,
                  **overrides) -> Result:
        """Translate one article sentence by sentence, without summarising it: a ``Result`` of the
        ``none`` summary method (``summary_ar``/``summary_en`` empty, ``summary_method == "none"``), its
        ``translation`` the sentence pairs with their scores and the checks' findings.

        A pipeline for translation only needs no summary model: ``Pipeline(summary_method="none")``
        loads none. ``overrides``: as for a call (``num_beams``, ``checks``); raises ``InputError`` for
        bad input, as a call does, and ``OptionError`` when this pipeline has no translation model.
        """
        if self.translator is None:
            raise OptionError("This pipeline has no translation model (translation_model=None): it cannot translate.")
        return self(text, options=options, progress=progress, **{**overrides, "summary_method": NO_SUMMARY})

    def digest(self, articles: Iterable[str | dict], *, options: RunOptions | None = None,
               progress: StageProgress | None = None, cancelled: CancelCheck | None = None, **overrides) -> Digest:
        """Several articles grouped by story (``summarizer.digest.make_digest``: no model needed), each story
        with its title, summary, what each article adds and where they disagree; plus, when this pipeline's
        models are loaded, the abstract of each story's lead article (a summary method that needs the model)
        and the English of everything. ``articles``: texts or dicts with ``text`` and optional ``id``/``date``,
        read once (a generator is fine); bad ones are in ``Digest.skipped``. ``options``/``overrides``: as for
        a call (``digest_threshold``, ``summary_sentences``, ``long_input``, ``num_beams``). ``cancelled``: checked
        after each article read and each model batch; when it turns true the digest stops (``Cancelled``)."""
        from .digest import make_digest

        options = (options if options is not None else self.options).but(**overrides)
        abstract = self.summarizer is not None and get_method(options.summary_method).needs_model
        progress = _watching(progress, cancelled)
        return make_digest(
            articles, threshold=options.digest_threshold / 100, sentences=options.summary_sentences,
            max_chars=self.max_chars, progress=progress,
            summarise=(lambda docs: [s.text for s in self.summarizer.summarize(
                docs, options.long_input, progress=_stage_hook(progress, "abstracts"))]) if abstract else None,
            translate=(lambda texts: self.translator.translate(
                texts, _stage_hook(progress, "translate"), decoding=self._translation_decoding(options)))
            if self.translator is not None else None,
            models={"summary": self.models["summary"]["id"] if abstract else None,
                    "translation": (self.models["translation"] or {}).get("id")})

    def translate_document(self, path, out, *, options: RunOptions | None = None, overwrite: bool = False,
                           progress: StageProgress | None = None, cancelled: CancelCheck | None = None,
                           check: Callable[[list[str]], object] | None = None, known: Mapping[str, str] | None = None):
        """Translate the document ``path`` (.docx, .html, .txt, .md; a .pdf's text) into ``out``, a document of
        the kind ``out``'s suffix names, formatting and layout kept (``summarizer.translated``; docs/documents.md).

        Every different Arabic sentence of the document goes through this pipeline's translator in one
        batched call (``options``: this call's, e.g. ``num_beams``; ``progress("translate", done, total)``);
        ``overwrite`` replaces an ``out`` that exists; ``check(sentences)`` may refuse the work before it
        starts (a server's budget); ``cancelled``: as for a call; ``known``: English already made for some Arabic
        sentences (the page's result of the same document), used as it is, so only the rest reach the model
        (and the budget). Returns a ``TranslatedDocument`` (what was
        written, how many sentences, the Arabic letters left in it); refusals are coded errors, raised
        before anything is written (``DocumentRefused``, ``OutputExists``...).
        """
        from .translated import translate_document

        if self.translator is None:
            raise OptionError("This pipeline has no translation model (translation_model=None): it cannot translate.")
        decoding = self._translation_decoding(options if options is not None else self.options)

        known = {ar: en for ar, en in (known or {}).items() if en.strip()}

        def translate(sentences: list[str]) -> list[str]:
            _stop_if(cancelled)
            todo = [s for s in sentences if s not in known]
            hook = _stage_hook(_watching(progress, cancelled), "translate")
            made = dict(zip(todo, (t.text for t in self.translator.translate_scored(todo, hook, decoding=decoding)),
                            strict=True)) if todo else {}
            return [known[s] if s in known else made[s] for s in sentences]

        def check_new(sentences: list[str]) -> object:
            return check([s for s in sentences if s not in known]) if check is not None else None

        return translate_document(path, out, translate, overwrite=overwrite, check=check_new)

    def batch(
        self,
        items: Iterable[str | dict],
        *,
        group_size: int | None = None,
        grow: bool = True,
        progress: bool = True,
        total: int | None = None,
        cancelled: CancelCheck | None = None,
        options: RunOptions | None = None,
        **overrides,
    ) -> Iterator[Result]:
        """Results in input order; a failed article yields a Result with ``error`` set, never an exception.
        Each result is the article's own; the run's facts (models, licences, load notices) are given once,
        as ``pipeline.info``, and every result holds that same object as ``result.run``.

        Items are texts or dicts with ``id`` and ``text`` (anything else is a per-item error).
        Articles are processed in groups so that translation and summary batches are shared across
        articles; the groups grow 1, 2, 4... up to ``group_size``, so the first result comes after
        one article's work (a batch job killed and resumed always makes progress). ``grow=False``
        starts at ``group_size``: for a caller that keeps the results only as a whole (a Ray shard),
        early results buy nothing and small groups cost speed. When a group fails, each of its
        articles is run again alone: one bad article costs only itself. ``options``, ``overrides``: as
        for a call.

        If ``items`` itself raises (a generator that fails midway), the articles taken from it
        before are finished and yielded first, then its exception is raised. ``cancelled``: as for a
        call, asked before each group and after each model batch (``Cancelled`` ends the batch).

        A dict without an id gets ``item-N`` (N: its 1-based position in ``items``), made unique
        against the real ids: with ``~2``, ``~3``... appended when it equals a real id seen before
        it, or, when ``items`` is a list or tuple (all its ids known up front), any real id of the
        batch. A plain text item has the id None.
        """
        from tqdm.auto import tqdm

        options = (options if options is not None else self.options).but(**overrides)
        group_size = check_int("group_size", group_size or GROUP_SIZES[self.device], 1)
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        ids = _FallbackIds(items)
        bar = tqdm(total=total, unit="article", desc="summarizer", disable=not progress)
        group: list[tuple[str | None, object]] = []
        size = 1 if grow else group_size
        iterator = iter(items)
        try:
            for n in itertools.count():
                try:
                    item = next(iterator)
                except StopIteration:
                    break
                except Exception:  # the caller's iterable failed: finish what it gave, then raise
                    if group:
                        yield from self._yield_with_bar(group, options, bar, cancelled)
                    raise
                group.append(ids.pair(item, n))
                if len(group) >= size:
                    yield from self._yield_with_bar(group, options, bar, cancelled)
                    group, size = [], min(size * 2, group_size)
            if group:
                yield from self._yield_with_bar(group, options, bar, cancelled)
        finally:
            bar.close()

    def _yield_with_bar(self, group, options: RunOptions, bar, cancelled: CancelCheck | None) -> Iterator[Result]:
        for result in self._run_group(group, options, None, cancelled):
            bar.update(1)
            yield result

    def _run_group(self, group, options: RunOptions, progress: StageProgress | None,
                   cancelled: CancelCheck | None = None) -> Iterator[Result]:
        """The group's results; when its work raises, each article is run again alone (``isolation``),
        except when it was cancelled: ``Cancelled`` ends the whole group at once."""
        options = options.but(summary_method=self.effective_method(options.summary_method))

        def run(items: list) -> list[Result]:
            _stop_if(cancelled)
            return self._process(items, options, _watching(progress if len(items) == len(group) else None, cancelled))

        def failed(item, exc: Exception) -> Result:
            if isinstance(exc, Cancelled):
                raise exc
            return self._failed(item[0], exc)

        yield from each_alone_on_failure(run, list(group), failed)

    def _process(self, group, options: RunOptions, progress: StageProgress | None) -> list[Result]:
        works: list[_Work] = []
        results: list[Result] = []
        for i, (item_id, text) in enumerate(group):
            result = self._new_result(item_id)
            results.append(result)
            try:
                self._prepare(result, text)
            except InputError as exc:
                result.error, result.error_code, result.failure = str(exc), exc.code, exc
                continue
            works.append(_Work(i, result))
        if works:  # a model or a bug may raise here: _run_group isolates the article that did
            self._summarize_and_translate(works, options, progress)
            if options.checks == "on" and options.repair == "on":
                self._repair(works, options)  # before the English summary: an extractive one is made of these
            self._translate_summaries(works, options)
            if options.checks == "on":
                self._check(works)
        return results

    def _new_result(self, item_id: str | None) -> Result:
        return Result(id=item_id, run=self.info)

    def _failed(self, item_id: str | None, exc: Exception) -> Result:
        """The result of an article that passed the input checks but made a stage fail."""
        log.warning("article %r failed", item_id, exc_info=exc)
        result = self._new_result(item_id)
        result.error = failure_message(exc)
        result.error_code = "processing-failed"
        result.failure = exc  # for __call__, not part of to_dict()
        return result

    def _prepare(self, result: Result, text: object) -> None:
        started = time.perf_counter()
        check_text(text, max_chars=self.max_chars)
        cleaned = clean_article(text)  # type: ignore[arg-type]
        result.removed = list(cleaned.removed)
        if not cleaned.text.strip():
            raise InputError("Nothing is left of the article after cleaning (it held only markup or separators).")
        check_arabic(cleaned.text)
        if cleaned.removed:
            kinds = sorted({r.kind for r in cleaned.removed})
            count = len(cleaned.removed)
            result.add_notice(notice("cleaning-removed", count=count, kinds=", ".join(kinds),
                                     items="item" if count == 1 else "items", what=removal_words(kinds)))
        result.timings["clean"] = time.perf_counter() - started
        started = time.perf_counter()
        result.sentences = split_sentences(cleaned.text)
        result.timings["split"] = time.perf_counter() - started

    def _summarize(self, works: list[_Work], options: RunOptions, progress) -> None:
        started = time.perf_counter()
        method = get_method(options.summary_method)
        decoding = None
        if options.num_beams is not None and self.summarizer is not None:
            decoding = self.summarizer.decoding.but(num_beams=options.num_beams)
        context = MethodContext(self.summarizer, options.long_input, options.summary_sentences, decoding,
                                _stage_hook(progress, "summarize"), options.summary_length)
        documents = [w.result.sentences for w in works]
        summaries = method.summarize(documents, context)
        empty = [i for i, summary in enumerate(summaries) if not summary.text.strip()] if method.writes_summary else []
        if empty and method.name != FALLBACK:  # a model that emits only special tokens: never an empty summary
            fallback = get_method(FALLBACK).summarize([documents[i] for i in empty], context)
            for i, replacement in zip(empty, fallback, strict=True):
                # The discarded summary's notices (how much of the article it read) describe a summary
                # that is not shown: only the replacement's own are kept, so the notes never disagree.
                replacement.notices = [*replacement.notices, notice("summary-empty")]
                summaries[i] = replacement
        model = self.shown_id(self.summarizer.engine) if method.needs_model and self.summarizer else None
        for work, summary in zip(works, summaries, strict=True):
            result = work.result
            for summary_notice in summary.notices:
                result.add_notice(summary_notice)
            result.summary_ar = summary.text
            exact = summary.sources is not None
            sources = ([[i] for i in summary.sources] if exact
                       else overlap_sources(result.sentences, split_sentences(summary.text)))
            result.summary = SummaryInfo(summary.method, model if not exact else None, exact, sources,
                                         summary.read_fraction)
        _share_time(works, "summarize", time.perf_counter() - started)

    def _summarize_and_translate(self, works: list[_Work], options: RunOptions, progress) -> None:
        """The summary and the articles' translation: at the same time when both engines were loaded to
        share the cores (CTranslate2 on the CPU: each model on half of them, engines/ctranslate2_engine.py),
        else one after the other.

        Side by side, the articles' translation starts on a thread of its own; the summary's thread, its
        summaries written, adds their sentences to the translation and takes its batches that are left
        (``Translator.start``: the translation model has two workers then), so neither half of the cores
        idles while the other works. Either way the summaries' sentences share the articles' last batch
        when they fit in it (``BatchQueue.join``): the same batches, so the same outputs, in both orders,
        and one batch fewer to run. The outcome is written into the results in the order a sequential run
        writes them."""
        if self.translator is None:
            self._summarize(works, options, progress)
            for work in works:
                work.result.translation = [SentencePair(s) for s in work.result.sentences]
            return
        translator = self.translator
        more_to_come = get_method(options.summary_method).writes_summary

        def start():  # announces the stage: only once it starts, so that progress follows the work's order
            return translator.start([s for w in works for s in w.result.sentences], _stage_hook(progress, "translate"),
                                    decoding=self._translation_decoding(options), more_to_come=more_to_come)

        if not (get_method(options.summary_method).needs_model and self._stages_share_cores()):
            self._summarize(works, options, progress)
            started, job = time.perf_counter(), start()
            summaries = self._join_written_summaries(job, works, options, progress)
            job.work(threads=translator.workers)
        else:
            started, job = time.perf_counter(), start()
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarizer-translate") as pool:
                # in the caller's context: a progress hook may rely on context variables (the web page's does)
                translating = pool.submit(contextvars.copy_context().run, job.work)
                try:
                    self._summarize(works, options, progress)
                    summaries = self._join_written_summaries(job, works, options, progress)
                    job.work()
                except BaseException:
                    job.stop()  # the articles fail (or were cancelled): no batch starts after those running
                    raise
                finally:
                    job.release()  # a no-op once joined or stopped: a waiting translation thread ends
                    translating.result()  # waits; a summary error still propagates after it
        self._apply_translation(works, job.result(), time.perf_counter() - started)
        if summaries is not None:
            summaries.apply(job)

    def _stages_share_cores(self) -> bool:
        engines = (self.summarizer.engine if self.summarizer else None,
                   self.translator.engine if self.translator else None)
        return all(getattr(engine, "shares_cores", False) for engine in engines)

    def _translation_decoding(self, options: RunOptions) -> DecodeSettings | None:
        if options.num_beams is None or self.translator is None:
            return None
        return self.translator.decoding.but(num_beams=options.num_beams)

    @staticmethod
    def _apply_translation(works: list[_Work], translated: list, seconds: float) -> None:
        offset = 0
        for work in works:
            n = len(work.result.sentences)
            mine = translated[offset : offset + n]
            offset += n
            work.result.translation = [SentencePair(ar, t.text, _rounded(t.score))
                                       for ar, t in zip(work.result.sentences, mine, strict=True)]
            empty = [i + 1 for i, p in enumerate(work.result.translation) if not p.en.strip()]
            if empty:
                shown = ", ".join(map(str, empty[:10])) + (", ..." if len(empty) > 10 else "")
                work.result.add_notice(notice("translation-empty", count=len(empty), total=n, shown=shown))
        _share_time(works, "translate", seconds)

    def _repair(self, works: list[_Work], options: RunOptions) -> None:
        """The sentences whose English a check flagged, translated again (``repair``: one batched call for
        the group's flagged sentences, none when there are none); ``timings["repair"]`` says it ran."""
        if self.translator is None:
            return
        started = time.perf_counter()
        decoding = self._translation_decoding(options) or self.translator.decoding
        repair_pairs(self.translator, [p for w in works for p in w.result.translation], decoding, rounded=_rounded)
        _share_time(works, "repair", time.perf_counter() - started)

    def _translate_summaries(self, works: list[_Work], options: RunOptions) -> None:
        """The English summaries made of the article's own sentences: their (repaired) translation joined.
        A written summary was translated with the articles (``_join_written_summaries``)."""
        if self.translator is None or not get_method(options.summary_method).writes_summary:
            return
        for work in works:
            if work.result.summary.exact:
                work.result.summary_en = " ".join(work.result.translation[i].en for i in work.result.summary.used)

    def _join_written_summaries(self, job: TranslationJob, works: list[_Work], options: RunOptions,
                                progress) -> _JoinedSummaries | None:
        """The written summaries' sentences join the articles' translation (no model reads a summary made
        of the article's sentences); None, and the job released, when the method writes none."""
        writes = get_method(options.summary_method).writes_summary
        written = [w for w in works if not w.result.summary.exact] if writes else []
        if not written:
            job.release()
            if writes:
                _share_time(works, "summary_en", 0.0)  # made of the article's own English: nothing to translate
            return None
        sentences = [split_sentences(w.result.summary_ar) for w in written]
        joined = job.join([s for ss in sentences for s in ss], _stage_hook(progress, "summary_en"))
        return _JoinedSummaries(works, written, sentences, joined)

    def _check(self, works: list[_Work]) -> None:
        """Every output held to its source by every registered check of its kind (``checks.registry``; no
        model: milliseconds per article): each sentence's English to its Arabic, the Arabic summary to
        the article, the English summary to the Arabic one."""
        started = time.perf_counter()
        for work in works:
            result = work.result
            checked = [pair for pair in result.translation if pair.en.strip()]
            for pair in checked:
                pair.findings = run_checks(PAIR, pair.ar, pair.en)
            # then the article's checks, which see every pair at once (a name the article teaches)
            found = run_article_checks([(pair.ar, pair.en) for pair in checked], [pair.findings for pair in checked])
            for pair, findings in zip(checked, found, strict=True):
                pair.findings = findings
            summary = result.summary
            if not summary.exact:  # a summary made of the article's own sentences is their words: not held to them
                if result.summary_ar.strip():
                    summary.findings = run_checks(SUMMARY, result.sentences, result.summary_ar,
                                                  read_fraction=summary.read_fraction)
                if result.summary_en.strip():
                    summary.english_findings = run_checks(SUMMARY_TRANSLATION, result.summary_ar, result.summary_en)
            _note_findings(result)
            result.timings["checks"] = (time.perf_counter() - started) / len(works)


def _note_findings(result: Result) -> None:
    """The ``checks-findings`` notice of a result with findings: how many sentences (and whether the
    summary) are to check, and the codes found."""
    summary = result.summary
    flagged = sum(1 for pair in result.translation if pair.findings)
    summaries = int(bool(summary.findings or summary.english_findings))
    if not (flagged or summaries):
        return
    parts = ([f"{flagged} {'sentence' if flagged == 1 else 'sentences'}"] if flagged else []) + \
            (["the summary"] if summaries else [])
    codes = sorted({f.code for p in result.translation for f in p.findings}
                   | {f.code for f in (*summary.findings, *summary.english_findings)})
    result.add_notice(notice("checks-findings", count=flagged + summaries, things=" and ".join(parts),
                             codes=", ".join(codes)))


def _converted_from(engine: Seq2SeqEngine) -> str:
    """The model an engine runs, as its licence and choice are known by: an exported folder's hub id (the
    CTranslate2 engine's ``source_model``, from its export information), else the engine's own id."""
    return getattr(engine, "source_model", None) or engine.model_id


def _rounded(score: float | None) -> float | None:
    """A score to 4 decimals: finer differences are float noise (a batch's padding changes the last digits)."""
    return None if score is None else round(score, 4)


class _FallbackIds:
    """Ids for the dict items of ``Pipeline.batch`` that have none (see its docstring for the rule)."""

    def __init__(self, items: Iterable[str | dict]):
        self.taken: set[str] = set()
        if isinstance(items, (list, tuple)):  # every real id known before the first one is made up
            self.taken = {str(i["id"]) for i in items if isinstance(i, dict) and i.get("id") is not None}

    def pair(self, item: str | dict, n: int) -> tuple[str | None, object]:
        if not isinstance(item, dict):
            return (None, item)
        if item.get("id") is not None:
            self.taken.add(str(item["id"]))
            return (str(item["id"]), item.get("text"))
        made = f"item-{n + 1}"
        k = 2
        while made in self.taken:
            made = f"item-{n + 1}~{k}"
            k += 1
        self.taken.add(made)
        return (made, item.get("text"))


def _stop_if(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()


def _watching(progress: StageProgress | None, cancelled: CancelCheck | None) -> StageProgress | None:
    """``progress``, after a check of ``cancelled``: the stages report after each model batch (and as
    they start), so a cancelled run stops at its next batch boundary, whichever stage runs."""
    if cancelled is None:
        return progress

    def hook(stage: str, done: int, total: int) -> None:
        _stop_if(cancelled)
        if progress is not None:
            progress(stage, done, total)

    return hook


def _stage_hook(progress: StageProgress | None, stage: str):
    if progress is None:
        return None
    progress(stage, 0, 1)
    return lambda done, total: progress(stage, done, total)


def _share_time(works: list[_Work], stage: str, seconds: float) -> None:
    """A shared batch's time, split evenly over its articles (a single article gets it all)."""
    for work in works:
        work.result.timings[stage] = seconds / len(works)
