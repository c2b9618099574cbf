"""The registry of summary methods: what ``--summary-method``, the page's selector and the pipeline offer.

A method is a function from a batch of articles (each a list of sentences) to one
``MethodSummary`` per article, registered with its words for each surface:

    @register_method("toy", help="the last sentence", label="Toy: the last sentence")
    def toy(documents, context):
        return [MethodSummary(doc[-1], "toy", sources=[len(doc) - 1]) for doc in documents]

Registering is all it takes: ``Pipeline``, the CLI's choices and the page's selector read this
registry. ``needs_model=True`` methods run the pipeline's loaded abstractive model (``context.summarizer``)
and fall back to ``FALLBACK`` when it is missing. ``writes_summary=False`` (the built-in ``none``) makes
no summary at all: the pipeline then only translates (no English summary, no summary checks, and no
fallback on the empty summary).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from ..choices import DEFAULT_LONG_INPUT
from ..engines.base import DecodeSettings
from ..errors import OptionError
from ..notices import Notice
from .abstractive import AbstractiveSummarizer
from .extractive import extractive_summary, lead_summary

FALLBACK = "extractive"  # what a method that needs a model falls back to when the model is missing


@dataclass(frozen=True)
class SummaryLength:
    """A summary length in each method's own unit: sentences picked (extractive, lead), or the most
    tokens mT5 may write (``None``: the model's own limit, its published setting)."""

    sentences: int
    max_new_tokens: int | None

    def describe(self) -> str:
        """What this length means, in each method's unit (the options' help)."""
        tokens = f"up to {self.max_new_tokens} tokens" if self.max_new_tokens else "its published limit"
        return f"{self.sentences} sentences picked; mT5 writes {tokens}"


# short / standard / longer. mT5 (XL-Sum) was fine-tuned on one- or two-sentence summaries with its
# published limit of 84 tokens: "short" cuts it to 48, "longer" lets it go on to 120; its other
# published settings (4 beams, length penalty 0.6, no repeated 2-grams) stay.
SUMMARY_LENGTHS: dict[str, SummaryLength] = {
    "short": SummaryLength(2, 48),
    "standard": SummaryLength(3, None),
    "longer": SummaryLength(5, 120),
}


@dataclass
class MethodContext:
    """What a method may use: the loaded abstractive model (or None) and the per-call options."""

    summarizer: AbstractiveSummarizer | None = None
    long_input: str = DEFAULT_LONG_INPUT
    summary_sentences: int = 3
    decoding: DecodeSettings | None = None  # None: the model's own
    progress: Callable[[int, int], None] | None = None
    summary_length: str | None = None  # a SUMMARY_LENGTHS key; None: summary_sentences and the model's limit

    @property
    def sentences(self) -> int:
        """Sentences in an extractive / lead summary."""
        return SUMMARY_LENGTHS[self.summary_length].sentences if self.summary_length else self.summary_sentences

    def abstractive_decoding(self) -> DecodeSettings | None:
        """This call's decoding for mT5: the length's token limit over the call's (or model's) settings."""
        limit = SUMMARY_LENGTHS[self.summary_length].max_new_tokens if self.summary_length else None
        if limit is None or self.summarizer is None:
            return self.decoding
        return (self.decoding or self.summarizer.decoding).but(max_new_tokens=limit)


@dataclass
class MethodSummary:
    """One article's summary: its text, the result's ``summary_method`` (``lead-3``...), and what is known
    of where it comes from (``sources``: the article sentences it is made of, exactly; None: unknown)."""

    text: str
    method: str
    sources: list[int] | None = None
    read_fraction: float | None = None
    notices: list[Notice] = field(default_factory=list)


Summarize = Callable[[list[list[str]], MethodContext], list[MethodSummary]]


@dataclass(frozen=True)
class SummaryMethod:
    """A registered method: its function and its words (``help`` for the CLI, ``label`` for the page,
    ``describe(detail, model)`` for a result: ``detail`` is what follows the name in ``summary_method``)."""

    name: str
    summarize: Summarize
    help: str
    label: str
    needs_model: bool = False
    describe: Callable[[str, str | None], str] | None = None
    model_label: str | None = None  # the kind of model a needs_model method runs, in words ("mT5")
    writes_summary: bool = True  # False: a translation-only run (its empty summary is what was asked for)

    def words(self, summary_method: str, model_label: str | None = None) -> str:
        detail = summary_method[len(self.name) + 1:] if summary_method.startswith(self.name + "-") else ""
        return self.describe(detail, model_label) if self.describe else self.label


METHODS: dict[str, SummaryMethod] = {}


def register_method(name: str, *, help: str, label: str, needs_model: bool = False,
                    describe: Callable[[str, str | None], str] | None = None,
                    model_label: str | None = None, writes_summary: bool = True) -> Callable[[Summarize], Summarize]:
    """Register ``fn`` as the summary method ``name`` (a later registration of a name replaces it)."""

    def add(fn: Summarize) -> Summarize:
        METHODS[name] = SummaryMethod(name, fn, help, label, needs_model, describe, model_label, writes_summary)
        return fn

    return add


def get_method(name: str) -> SummaryMethod:
    if name not in METHODS:
        raise OptionError(f"summary_method must be one of {', '.join(METHODS)}, not {name!r}")
    return METHODS[name]


def method_of(summary_method: str) -> SummaryMethod | None:
    """The method that wrote a result's ``summary_method`` (``lead-3`` -> lead), if it is registered."""
    matches = [m for name, m in METHODS.items() if summary_method == name or summary_method.startswith(name + "-")]
    return max(matches, key=lambda m: len(m.name)) if matches else None


def describe_method(summary_method: str, model_label: str | None = None) -> str:
    """A result's ``summary_method`` in words."""
    method = method_of(summary_method or "")
    return method.words(summary_method, model_label or method.model_label) if method else (summary_method or "none")


class _Helps(Mapping):
    """name -> help of every registered method, read live (argparse's choices, ``check_choice``)."""

    def __getitem__(self, name: str) -> str:
        return METHODS[name].help

    def __iter__(self) -> Iterator[str]:
        return iter(METHODS)

    def __len__(self) -> int:
        return len(METHODS)


SUMMARY_METHODS: Mapping[str, str] = _Helps()


# -- the built-in methods ----------------------------------------------------------------------------
def _describe_abstractive(detail: str, model_label: str | None) -> str:
    read = "the whole article, in parts" if detail == "chunked" else "the first 512 tokens"
    return f"Abstractive ({model_label}), from {read}"


@register_method("abstractive", needs_model=True, describe=_describe_abstractive, model_label="mT5",
                 help="mT5 writes a new summary (falls back to extractive if the model cannot be loaded)",
                 label="Abstractive (mT5): writes its own summary")
def abstractive(documents: list[list[str]], context: MethodContext) -> list[MethodSummary]:
    assert context.summarizer is not None, "needs_model methods run only with the model loaded"
    outputs = context.summarizer.summarize(documents, context.long_input, context.progress,
                                           decoding=context.abstractive_decoding())
    return [MethodSummary(o.text, o.method, None, o.read_fraction, list(o.notices)) for o in outputs]


@register_method("extractive", describe=lambda detail, model: "Extractive (LexRank): the article's most central sentences",
                 help="LexRank picks the most central sentences, biased towards the lead",
                 label="Extractive (LexRank): picks the key sentences")
def extractive(documents: list[list[str]], context: MethodContext) -> list[MethodSummary]:
    return [_made_of(doc, extractive_summary(doc, context.sentences), "extractive-lexrank")
            for doc in documents]


def _describe_lead(detail: str, model_label: str | None) -> str:
    return f"Lead: the article's first {detail} sentences" if detail.isdigit() else "Lead: the first sentences"


@register_method("lead", describe=_describe_lead, help="the first sentences", label="Lead: the first sentences")
def lead(documents: list[list[str]], context: MethodContext) -> list[MethodSummary]:
    return [_made_of(doc, lead_summary(doc, context.sentences), f"lead-{context.sentences}")
            for doc in documents]


NO_SUMMARY = "none"  # the method of a translation-only run (``Pipeline.translate``, ``summarizer translate``)


@register_method(NO_SUMMARY, writes_summary=False, help="no summary: translate the article only (loads no summary model)",
                 label="No summary: translation only")
def no_summary(documents: list[list[str]], context: MethodContext) -> list[MethodSummary]:
    return [MethodSummary("", NO_SUMMARY, sources=[], read_fraction=None) for _ in documents]


def _made_of(sentences: list[str], indices: list[int], method: str) -> MethodSummary:
    return MethodSummary(" ".join(sentences[i] for i in indices), method, list(indices), 1.0)
