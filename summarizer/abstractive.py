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

from .engines.base import SUMMARY_DECODING, DecodeSettings, Seq2SeqEngine
from .engines.batching import generate_batched, longest_fitting_prefix, pack
from .options import LONG_INPUT_MODES, check_choice


@dataclass
class AbstractiveSummary:
    text: str
    method: str  # "abstractive-lead" or "abstractive-chunked"
    warnings: list[str] = field(default_factory=list)


class AbstractiveSummarizer:
    def __init__(
        self,
        engine: Seq2SeqEngine,
        *,
        decoding: DecodeSettings = SUMMARY_DECODING,
        batch_size: int = 8,
        max_batch_tokens: int | None = None,
        max_input_tokens: int | None = None,
    ):
        self.engine = engine
        self.decoding = decoding
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens or engine.max_input_tokens
        self._overhead = engine.count_tokens([""])[0]

    def summarize(self, documents: list[list[str]], long_input: str = "lead",
                  progress: Callable[[int, int], None] | None = None) -> list[AbstractiveSummary]:
        """One summary per document (a document is its list of sentences)."""
        check_choice("long_input", long_input, LONG_INPUT_MODES)
        if long_input == "lead":
            inputs, notes = zip(*(self.lead_input(doc) for doc in documents), strict=True) if documents else ((), ())
            texts = self._generate(list(inputs), progress)
            return [AbstractiveSummary(t, "abstractive-lead", [n] if n else []) for t, n in zip(texts, notes, strict=True)]
        return self._summarize_chunked(documents, progress)

    # -- preprocess ------------------------------------------------------------------
    def lead_input(self, sentences: list[str]) -> tuple[str, str | None]:
        """The longest run of leading sentences within the limit, and a note if the article was cut."""
        groups = self._groups(sentences)
        if len(groups) <= 1:
            return " ".join(sentences), None
        kept = " ".join(groups[0])
        if self.engine.count_tokens([kept])[0] > self.max_input_tokens:
            # Even the first sentence is over the limit: the only place left to cut is inside it.
            kept = kept[: longest_fitting_prefix(self.engine, kept, self.max_input_tokens)]
            return kept, (
                f"The first sentence alone is over the summary model's {self.max_input_tokens}-token input; "
                "the summary reads only its beginning."
            )
        return kept, (
            f"The summary model reads {self.max_input_tokens} tokens: the summary covers the first "
            f"{len(groups[0])} of {len(sentences)} sentences (long_input='lead'; 'chunked' reads all of it)."
        )

    def _groups(self, sentences: list[str]) -> list[list[str]]:
        return pack(sentences, self.engine.count_tokens(sentences), self.max_input_tokens, self._overhead)

    def chunks(self, sentences: list[str]) -> list[str]:
        return [" ".join(group) for group in self._groups(sentences)]

    # -- forward ---------------------------------------------------------------------
    def _generate(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> list[str]:
        return generate_batched(self.engine, texts, self.decoding, self.batch_size, progress,
                                max_tokens=self.max_batch_tokens)

    def _summarize_chunked(self, documents: list[list[str]], progress) -> list[AbstractiveSummary]:
        pending = {i: self.chunks(doc) for i, doc in enumerate(documents)}
        rounds = {i: 0 for i in pending}
        final: dict[int, str] = {}
        while pending:
            flat = [(i, text) for i, chunks in pending.items() for text in chunks]
            outputs = self._generate([text for _, text in flat], progress)
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
                [f"The article was read in {len(self.chunks(doc))} chunks and summarised in {rounds[i]} rounds."]
                if rounds[i] > 1 else [],
            )
            for i, doc in enumerate(documents)
        ]
