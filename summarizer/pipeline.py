"""The pipeline: clean -> split -> summarise (Arabic) -> translate -> English summary.

One ``Pipeline`` holds the built stages; ``pipeline(text)`` runs one article and
``pipeline.batch(items)`` runs many, sharing model batches across articles. ``Pipeline(...)``
loads models by name through ``loading.load_stages``; ``Pipeline.from_stages(...)`` takes stages
already built (a benchmark's timed engine, a test's tiny model).
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from .abstractive import AbstractiveSummarizer
from .clean import clean_article
from .engines.base import SUMMARY_DECODING, TRANSLATION_DECODING, DecodeSettings, Seq2SeqEngine
from .engines.vocabulary import describe as describe_vocabulary
from .errors import InputError, ModelLoadError, ProcessingError
from .extractive import extractive_summary, lead_summary
from .inputs import check_arabic, check_text
from .loading import LoadedStages, load_stages
from .options import (
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_SENTENCES,
    DEFAULT_TRANSLATION_MODEL,
    DEFAULT_VOCAB_RESTRICTION,
    DEVICES,
    GROUP_SIZES,
    LONG_INPUT_MODES,
    MAX_CHARS_CEILING,
    SUMMARY_METHODS,
    check_choice,
    check_int,
    choice_of,
    licence_of,
)
from .split import split_sentences
from .translate import Translator

STAGES = ("clean", "split", "summarize", "translate", "summary_en")

log = logging.getLogger(__name__)
# Called as progress(stage, done, total) while a stage runs (the app maps it to a progress bar).
StageProgress = Callable[[str, int, int], None]


@dataclass
class Result:
    """Everything the pipeline produced for one article (``to_dict`` is what the CLI writes)."""

    id: str | None = None
    sentences: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    summary_ar: str = ""
    summary_method: str = ""
    # [{"ar", "en", "score"}], one per sentence; score: the model's mean log-probability per token of
    # its translation (0 = certain; options.LOW_CONFIDENCE_SCORE marks the least sure), None if untranslated
    translation: list[dict] = field(default_factory=list)
    translation_text: str = ""
    summary_en: str = ""
    models: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)  # seconds per stage
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Work:
    """One article on its way through a batch."""

    index: int
    result: Result
    summary_idx: list[int] = field(default_factory=list)


class Pipeline:
    """Arabic news article in; Arabic summary, aligned English translation and English summary out.

    Args:
        summary_model / translation_model: hub id or local folder (HF format or a CTranslate2
            export); translation_model may also name a choice: "fast" (Opus-MT ar-en, the default),
            "best" (Opus-MT tc-big ar-en), "nllb-600m" (NLLB-200 distilled 600M, non-commercial).
            ``translation_model=None`` skips translation.
        summary_method: "abstractive" (mT5), "extractive" (LexRank) or "lead" (first sentences).
            When the mT5 model cannot be loaded, "abstractive" falls back to "extractive" with a
            warning, and the error is kept in ``load_errors["summary"]``.
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
        summary_method: str = "abstractive",
        long_input: str = "lead",
        summary_sentences: int = DEFAULT_SUMMARY_SENTENCES,
        engine: str = "auto",
        device: str = "cpu",
        quantization: str | None = None,
        vocab_restriction: str = DEFAULT_VOCAB_RESTRICTION,
        max_chars: int = DEFAULT_MAX_CHARS,
        num_beams: int | None = None,
        translation_batch_size: int | None = None,
        summary_batch_size: int | None = None,
        summary_decoding: DecodeSettings = SUMMARY_DECODING,
        translation_decoding: DecodeSettings = TRANSLATION_DECODING,
    ):
        settings = _Settings(summary_method, long_input, summary_sentences, max_chars)  # checked before loading
        if num_beams is not None:
            check_int("num_beams", num_beams, 1)
            summary_decoding = summary_decoding.but(num_beams=num_beams)
            translation_decoding = translation_decoding.but(num_beams=num_beams)
        stages = load_stages(
            summary_model, translation_model, summary_method=summary_method, engine=engine, device=device,
            quantization=quantization, vocab_restriction=vocab_restriction, summary_decoding=summary_decoding, translation_decoding=translation_decoding,
            summary_batch_size=summary_batch_size, translation_batch_size=translation_batch_size,
        )
        if "translation" in stages.errors:
            raise stages.errors["translation"]
        self._build(stages, settings, translation_requested=bool(translation_model))
        self.device = device

    @classmethod
    def from_stages(
        cls,
        summarizer: AbstractiveSummarizer | None = None,
        translator: Translator | None = None,
        *,
        summary_method: str = "abstractive",
        long_input: str = "lead",
        summary_sentences: int = DEFAULT_SUMMARY_SENTENCES,
        max_chars: int = DEFAULT_MAX_CHARS,
        load_errors: dict[str, ModelLoadError] | None = None,
        device: str = "cpu",
    ) -> Pipeline:
        """A pipeline over stages that are already built; ``load_errors`` says why a stage is missing."""
        pipeline = cls.__new__(cls)
        settings = _Settings(summary_method, long_input, summary_sentences, max_chars)
        stages = LoadedStages(summarizer, translator, dict(load_errors or {}))
        pipeline._build(stages, settings, translation_requested="translation" in stages.errors)
        pipeline.device = check_choice("device", device, DEVICES)
        return pipeline

    def _build(self, stages: LoadedStages, settings: _Settings, *, translation_requested: bool) -> None:
        self.summarizer: AbstractiveSummarizer | None = stages.summarizer
        self.device = "cpu"  # what batch() sizes its groups for; Pipeline(device=...) sets it
        self.translator: Translator | None = stages.translator
        self.summary_method = settings.summary_method
        self.long_input = settings.long_input
        self.summary_sentences = settings.summary_sentences
        self.max_chars = settings.max_chars
        self.load_errors: dict[str, ModelLoadError] = dict(stages.errors)  # by role, for callers that explain them
        self.load_warnings: list[str] = []
        if "summary" in self.load_errors:
            self.load_warnings.append(f"{self.load_errors['summary']} Falling back to the extractive summary.")
        if "translation" in self.load_errors:
            self.load_warnings.append(f"Translation is off: {self.load_errors['translation']}")
        elif self.translator is None and not translation_requested:
            self.load_warnings.append("Translation is off (as asked: --no-translate / translation_model=None): "
                                      "only the Arabic summary is made.")
        self.load_warnings.extend(stages.notes)

    # -- model facts -------------------------------------------------------------------
    @property
    def models(self) -> dict:
        """Per role: the model's id, engine, named choice (or None) and licence (None: unknown here)."""

        def describe(engine: Seq2SeqEngine | None) -> dict | None:
            if engine is None:
                return None
            # An exported folder knows the hub id it was converted from (CTranslate2 engine's source_model).
            known = getattr(engine, "source_model", None) or engine.model_id
            restriction = getattr(engine, "vocab_restriction", None)
            return {"id": engine.model_id, "engine": engine.engine, "choice": choice_of(known),
                    "licence": licence_of(known), "vocab_restriction": "on" if restriction else "off",
                    "target_vocabulary": describe_vocabulary(restriction)}

        return {
            "summary": describe(self.summarizer.engine if self.summarizer else None),
            "translation": describe(self.translator.engine if self.translator else None),
        }

    def effective_method(self, requested: str | None = None) -> str:
        method = check_choice("summary_method", requested or self.summary_method, SUMMARY_METHODS)
        if method == "abstractive" and self.summarizer is None:
            return "extractive"
        return method

    # -- running -----------------------------------------------------------------------
    def __call__(self, text: str, *, summary_method: str | None = None, long_input: str | None = None,
                 progress: StageProgress | None = None) -> Result:
        """Run one article; bad input raises ``InputError`` with a message fit for the user."""
        result = next(self._run_group([(None, text)], summary_method, long_input, progress))
        if result.error:
            if hasattr(result, "_failure"):
                raise ProcessingError(result.error) from result._failure
            raise InputError(result.error)
        return result

    def batch(
        self,
        items: Iterable[str | dict],
        *,
        summary_method: str | None = None,
        long_input: str | None = None,
        group_size: int | None = None,
        grow: bool = True,
        progress: bool = True,
        total: int | None = None,
    ) -> Iterator[Result]:
        """Results in input order; a failed article yields a Result with ``error`` set, never an exception.

        Items are texts or dicts with ``id`` and ``text`` (anything else is a per-item error).
        Articles are processed in groups so that translation and summary batches are shared across
        articles; the groups grow 1, 2, 4... up to ``group_size``, so the first result comes after
        one article's work (a batch job killed and resumed always makes progress). ``grow=False``
        starts at ``group_size``: for a caller that keeps the results only as a whole (a Ray shard),
        early results buy nothing and small groups cost speed. When a group fails, each of its
        articles is run again alone: one bad article costs only itself.

        If ``items`` itself raises (a generator that fails midway), the articles taken from it
        before are finished and yielded first, then its exception is raised.

        A dict without an id gets ``item-N`` (N: its 1-based position in ``items``), made unique
        against the real ids: with ``~2``, ``~3``... appended when it equals a real id seen before
        it, or, when ``items`` is a list or tuple (all its ids known up front), any real id of the
        batch. A plain text item has the id None.
        """
        from tqdm.auto import tqdm

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
                        yield from self._yield_with_bar(group, summary_method, long_input, bar)
                    raise
                group.append(ids.pair(item, n))
                if len(group) >= size:
                    yield from self._yield_with_bar(group, summary_method, long_input, bar)
                    group, size = [], min(size * 2, group_size)
            if group:
                yield from self._yield_with_bar(group, summary_method, long_input, bar)
        finally:
            bar.close()

    def _yield_with_bar(self, group, summary_method, long_input, bar) -> Iterator[Result]:
        for result in self._run_group(group, summary_method, long_input, None):
            bar.update(1)
            yield result

    def _run_group(self, group, summary_method, long_input, progress: StageProgress | None) -> Iterator[Result]:
        method = self.effective_method(summary_method)
        long_input = check_choice("long_input", long_input or self.long_input, LONG_INPUT_MODES)
        works: list[_Work] = []
        results: list[Result] = []
        for i, (item_id, text) in enumerate(group):
            result = self._new_result(item_id)
            results.append(result)
            try:
                self._prepare(result, text)
            except InputError as exc:
                result.error = str(exc)
                continue
            works.append(_Work(i, result))
        if works:
            try:
                self._summarize_and_translate(works, method, long_input, progress)
                self._translate_summaries(works, progress)
            except Exception as exc:  # a model or a bug failed on some article of the group
                if len(works) == 1:
                    results[works[0].index] = self._failed(works[0].result.id, exc)
                else:
                    log.warning("a group of %d articles failed (%s); running each alone", len(works), exc)
                    for work in works:
                        (results[work.index],) = self._run_group([group[work.index]], method, long_input, None)
        yield from results

    def _new_result(self, item_id: str | None) -> Result:
        return Result(id=item_id, models=self.models, warnings=list(self.load_warnings))

    def _failed(self, item_id: str | None, exc: Exception) -> Result:
        """The result of an article that passed the input checks but made a stage fail."""
        log.warning("article %r failed", item_id, exc_info=exc)
        result = self._new_result(item_id)
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        result.error = (f"The article could not be processed: {type(exc).__name__}"
                        + (f": {detail[:300]}" if detail else "") + ".")
        result._failure = exc  # type: ignore[attr-defined]  # for __call__, not part of to_dict()
        return result

    def _prepare(self, result: Result, text: object) -> None:
        started = time.perf_counter()
        check_text(text, max_chars=self.max_chars)
        cleaned = clean_article(text)  # type: ignore[arg-type]
        result.removed = [r.to_dict() for r in cleaned.removed]
        if not cleaned.text.strip():
            raise InputError("Nothing is left of the article after cleaning (it held only markup or separators).")
        check_arabic(cleaned.text)
        if cleaned.removed:
            kinds = sorted({r["kind"] for r in result.removed})
            result.warnings.append(f"Cleaning removed {len(cleaned.removed)} item(s): {', '.join(kinds)}.")
        result.timings["clean"] = time.perf_counter() - started
        started = time.perf_counter()
        result.sentences = split_sentences(cleaned.text)
        result.timings["split"] = time.perf_counter() - started

    def _summarize(self, works: list[_Work], method: str, long_input: str, progress) -> None:
        started = time.perf_counter()
        extract = works
        if method == "abstractive":
            assert self.summarizer is not None
            hook = _stage_hook(progress, "summarize")
            outputs = self.summarizer.summarize([w.result.sentences for w in works], long_input, hook)
            extract = []
            for work, summary in zip(works, outputs, strict=True):
                work.result.warnings.extend(summary.warnings)
                if summary.text.strip():
                    work.result.summary_ar = summary.text
                    work.result.summary_method = summary.method
                else:  # a model that emits only special tokens: never show an empty summary
                    work.result.warnings.append(
                        "The summary model returned an empty summary: the extractive summary is shown instead."
                    )
                    extract.append(work)
            method = "extractive"
        choose = extractive_summary if method == "extractive" else lead_summary
        for work in extract:
            work.summary_idx = choose(work.result.sentences, self.summary_sentences)
            work.result.summary_ar = " ".join(work.result.sentences[i] for i in work.summary_idx)
            work.result.summary_method = (
                "extractive-lexrank" if method == "extractive" else f"lead-{self.summary_sentences}"
            )
        _share_time(works, "summarize", time.perf_counter() - started)

    def _summarize_and_translate(self, works: list[_Work], method: str, long_input: str, progress) -> None:
        """The summary and the articles' translation: at the same time when both engines were loaded to
        share the cores (CTranslate2 on the CPU: each model on half of them, engines/ctranslate2_engine.py),
        else one after the other. The results are the same either way: the translation's outcome is
        written into the results after the summary's, in the order a sequential run writes them."""
        if self.translator is None:
            self._summarize(works, method, long_input, progress)
            for work in works:
                work.result.translation = [{"ar": s, "en": "", "score": None} for s in work.result.sentences]
            return
        if not (method == "abstractive" and self._stages_share_cores()):
            self._summarize(works, method, long_input, progress)
            self._apply_translation(works, *self._translate_articles(works, progress))
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarizer-translate") as pool:
            # in the caller's context: a progress hook may rely on context variables (the web page's does)
            translating = pool.submit(contextvars.copy_context().run, self._translate_articles, works, progress)
            try:
                self._summarize(works, method, long_input, progress)
            finally:
                translated = translating.result()  # waits; a summary error still propagates after it
        self._apply_translation(works, *translated)

    def _stages_share_cores(self) -> bool:
        engines = (self.summarizer.engine if self.summarizer else None,
                   self.translator.engine if self.translator else None)
        return all(getattr(engine, "shares_cores", False) for engine in engines)

    def _translate_articles(self, works: list[_Work], progress) -> tuple[list, float]:
        """Every sentence of the articles, translated (writes nothing: it may run beside the summary)."""
        assert self.translator is not None
        started = time.perf_counter()
        flat = [s for w in works for s in w.result.sentences]
        translated = self.translator.translate_scored(flat, _stage_hook(progress, "translate"))
        return translated, time.perf_counter() - started

    def _apply_translation(self, works: list[_Work], translated: list, seconds: float) -> None:
        offset = 0
        for work in works:
            n = len(work.result.sentences)
            mine = translated[offset : offset + n]
            offset += n
            pairs = [(ar, t.text) for ar, t in zip(work.result.sentences, mine, strict=True)]
            work.result.translation = [{"ar": ar, "en": t.text, "score": _rounded(t.score)}
                                       for ar, t in zip(work.result.sentences, mine, strict=True)]
            work.result.translation_text = " ".join(en for _, en in pairs if en)
            empty = [i + 1 for i, (_, en) in enumerate(pairs) if not en.strip()]
            if empty:
                shown = ", ".join(map(str, empty[:10])) + (", ..." if len(empty) > 10 else "")
                work.result.warnings.append(
                    f"The translation model returned nothing for {len(empty)} of {n} sentences "
                    f"(sentence {shown}): their English is empty."
                )
        _share_time(works, "translate", seconds)

    def _translate_summaries(self, works: list[_Work], progress) -> None:
        if self.translator is None:
            return
        started = time.perf_counter()
        # Extractive/lead summaries are the article's own sentences: reuse their aligned translation.
        abstractive = [w for w in works if w.result.summary_method.startswith("abstractive")]
        for work in works:
            if work not in abstractive:
                work.result.summary_en = " ".join(work.result.translation[i]["en"] for i in work.summary_idx)
        summary_sentences = [split_sentences(w.result.summary_ar) for w in abstractive]
        english = self.translator.translate(
            [s for ss in summary_sentences for s in ss], _stage_hook(progress, "summary_en")
        )
        offset = 0
        for work, sentences in zip(abstractive, summary_sentences, strict=True):
            work.result.summary_en = " ".join(e for e in english[offset : offset + len(sentences)] if e)
            offset += len(sentences)
        _share_time(works, "summary_en", time.perf_counter() - started)


@dataclass(frozen=True)
class _Settings:
    """The pipeline's own options, checked when it is built."""

    summary_method: str
    long_input: str
    summary_sentences: int
    max_chars: int

    def __post_init__(self) -> None:
        check_choice("summary_method", self.summary_method, SUMMARY_METHODS)
        check_choice("long_input", self.long_input, LONG_INPUT_MODES)
        check_int("summary_sentences", self.summary_sentences, 1)
        check_int("max_chars", self.max_chars, 1, MAX_CHARS_CEILING)


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


def _stage_hook(progress: StageProgress | None, stage: str):
    if progress is None:
        return None
    progress(stage, 0, 1)
    return lambda done, total: progress(stage, done, total)


def _share_time(works: list[_Work], stage: str, seconds: float) -> None:
    """A shared batch's time, split evenly over its articles (a single article gets it all)."""
    for work in works:
        work.result.timings[stage] = seconds / len(works)
