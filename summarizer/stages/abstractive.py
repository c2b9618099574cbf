"""Abstractive summaries with an mT5 model (default csebuetnlp/mT5_multilingual_XLSum).

The model was trained on the first 512 tokens of each article, and most news articles are
longer. Two ways to handle that, named in every result:

- ``lead`` (default): the article cut at 512 tokens *on a sentence boundary*, as the model
  saw its training data (news puts the essentials first).
- ``chunked``: the article cut into sentence-aligned chunks of at most 512 tokens, each
  summarised, then the summaries' concatenation summarised again (repeated while it is
  still too long), so that the end of a long article is read too.

Work for many articles is batched together: each step sends every pending input at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..choices import DEFAULT_LONG_INPUT, LONG_INPUT_MODES, check_choice
from ..engines.base import SUMMARY_DECODING, DecodeSettings, Seq2SeqEngine
from ..engines.batching import BatchedStage, generate_batched, longest_fitting_prefix, pack
from ..notices import Notice, notice


@dataclass
class AbstractiveSummary:
    text: str
    method: str  # "abstractive-lead" or "abstractive-chunked"
    notices: list[Notice] = field(default_factory=list)
    read_fraction: float = 1.0  # the share of the article's characters the model read

    @property
    def warnings(self) -> list[str]:
        return [n.message() for n in self.notices]


class AbstractiveSummarizer(BatchedStage):
    def __init__(self, engine: Seq2SeqEngine, *, decoding: DecodeSettings = SUMMARY_DECODING, batch_size: int = 8,
                 max_batch_tokens: int | None = None, max_input_tokens: int | None = None):
        super().__init__(engine, decoding=decoding, batch_size=batch_size, max_batch_tokens=max_batch_tokens,
                         max_input_tokens=max_input_tokens)

    def summarize(self, documents: list[list[str]], long_input: str = DEFAULT_LONG_INPUT,
                  progress: Callable[[int, int], None] | None = None,
                  decoding: DecodeSettings | None = None) -> list[AbstractiveSummary]:
        """One summary per document (a document is its list of sentences); ``decoding``: this call's
        settings instead of the summarizer's own (a per-call beam size)."""
        check_choice("long_input", long_input, LONG_INPUT_MODES)
        decoding = decoding or self.decoding
        if long_input == "lead":
            inputs, notes = zip(*(self.lead_input(doc) for doc in documents), strict=True) if documents else ((), ())
            texts = self._generate(list(inputs), progress, decoding)
            return [AbstractiveSummary(t, "abstractive-lead", [n] if n else [], _share(kept, doc))
                    for t, n, kept, doc in zip(texts, notes, inputs, documents, strict=True)]
        return self._summarize_chunked(documents, progress, decoding)

    # -- preprocess ------------------------------------------------------------------
    def lead_input(self, sentences: list[str]) -> tuple[str, Notice | None]:
        """The longest run of leading sentences within the limit, and a note if the article was cut."""
        groups = self._groups(sentences)
        if len(groups) <= 1:
            return " ".join(sentences), None
        kept = " ".join(groups[0])
        if self.engine.count_tokens([kept])[0] > self.max_input_tokens:
            # Even the first sentence is over the limit: the only place left to cut is inside it.
            kept = kept[: longest_fitting_prefix(self.engine, kept, self.max_input_tokens)]
            return kept, notice("summary-first-sentence-cut", tokens=self.max_input_tokens)
        return kept, notice("summary-read-lead", tokens=self.max_input_tokens, kept=len(groups[0]),
                            total=len(sentences))

    def _groups(self, sentences: list[str]) -> list[list[str]]:
        return pack(sentences, self.engine.count_tokens(sentences), self.max_input_tokens, self._overhead)

    def chunks(self, sentences: list[str]) -> list[str]:
        return [" ".join(group) for group in self._groups(sentences)]

    # -- forward ---------------------------------------------------------------------
    def _generate(self, texts: list[str], progress: Callable[[int, int], None] | None = None,
                  decoding: DecodeSettings | None = None) -> list[str]:
        return generate_batched(self.engine, texts, decoding or self.decoding, self.batch_size, progress,
                                max_tokens=self.max_batch_tokens)

    def _summarize_chunked(self, documents: list[list[str]], progress, decoding: DecodeSettings
                           ) -> list[AbstractiveSummary]:
        pending = {i: self.chunks(doc) for i, doc in enumerate(documents)}
        rounds = {i: 0 for i in pending}
        final: dict[int, str] = {}
        while pending:
            flat = [(i, text) for i, chunks in pending.items() for text in chunks]
            outputs = self._generate([text for _, text in flat], progress, decoding)
            by_doc: dict[int, list[str]] = {}
            for (i, _), out in zip(flat, outputs, strict=True):
                by_doc.setdefault(i, []).append(out)
            next_pending = {}
            for i, summaries in by_doc.items():
                rounds[i] += 1
                if len(pending[i]) == 1:
                    final[i] = summaries[0]
                else:  # summarise the summaries, repacked, until one input is left
                    next_pending[i] = self.chunks([s for s in summaries if s] or [""])
            pending = next_pending
        return [
            AbstractiveSummary(
                final[i], "abstractive-chunked",
                [notice("summary-chunked", chunks=len(self.chunks(doc)), rounds=rounds[i])] if rounds[i] > 1 else [],
            )
            for i, doc in enumerate(documents)
        ]


def _share(read: str, sentences: list[str]) -> float:
    """The share of an article's characters in what the model read (spaces left out on both sides)."""
    total = len("".join(sentences).replace(" ", ""))
    return 1.0 if total == 0 else round(min(1.0, len(read.replace(" ", "")) / total), 4)
