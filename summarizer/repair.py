"""The repair step: a sentence whose English a check flagged is translated again, and the best candidate
without that finding replaces its first English (``repair="on"``, the default; it needs ``checks="on"``).

Which findings are worth a second try is said once, here (``REPAIRABLE_CODES``): a decoding loop,
the source copied through, Arabic left untranslated, a number stated differently or never stated, and
a negation on one side only (not the name findings: see ``REPAIRABLE_CODES``), each where a registered check
gives it (``repairable_codes``, read at
run time: a check registered later counts at once, one that is absent is skipped). The length finding
is not among them: a second decoding of the same model rarely changes it.

Only the flagged sentences go back to the model, all of them in one batched call, so an article without
such a finding costs no decoding at all. The second try decodes differently from the first: the model's
``candidates`` best hypotheses (``engines.base.NBest``: CTranslate2's ``num_hypotheses``, transformers'
``num_return_sequences``), a repetition penalty and no repeated trigram, which break the loops the first
output fell into. Each candidate goes through every registered check of a sentence pair
(``checks.registry.run_checks``); the best is the one with the fewest repairable findings, the most
severe counted first, then the fewest others, then the model's highest score. It replaces the first
English only when its repairable findings rank above the first English's (fewer, or less severe): a
loop gone while a number stays wrong is a repair, a loop traded for a wrong number is not, and a
candidate with as many is never one, whatever else it mends. The pair keeps that first English in ``pair.repair``
(``result.Repair``) either way, and its findings are those of the English it ends with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .checks import Finding
from .checks.registry import CODES, PAIR, SEVERITIES, run_checks
from .engines.base import DecodeSettings, Hypothesis, NBest, NBestCall, nbest_generate
from .engines.batching import generate_batched
from .result import Repair, SentencePair
from .stages.translate import Translation, Translator

# The finding codes a second decoding can mend, in one place (a code no registered check gives is skipped).
# The name codes are not here: they still flag 1-2% of human translations (docs/checks.md, "Names"), and a
# repair chasing a false alarm may trade a good sentence for a worse one.
REPAIRABLE_CODES = ("repetition-loop", "copy-through", "untranslated", "number-mismatch", "number-unsupported",
                    "negation-mismatch")
# The second try: the model's 4 best hypotheses, tokens already generated penalised, no trigram twice.
REPAIR_NBEST = NBest(candidates=4, repetition_penalty=1.2)
REPAIR_NO_REPEAT_NGRAM = 3


def repairable_codes() -> frozenset[str]:
    """The codes of ``REPAIRABLE_CODES`` that a registered check gives now."""
    return frozenset(code for code in REPAIRABLE_CODES if code in CODES)


def repair_decoding(decoding: DecodeSettings) -> DecodeSettings:
    """The first try's settings, with repeated n-grams banned (trigrams, unless it bans shorter ones)."""
    return decoding.but(no_repeat_ngram_size=decoding.no_repeat_ngram_size or REPAIR_NO_REPEAT_NGRAM)


@dataclass
class _Flagged:
    """A sentence pair whose English has repairable findings (``codes``), with all its findings."""

    pair: SentencePair
    findings: list[Finding]
    codes: list[str]


def repair_pairs(translator: Translator, pairs: Iterable[SentencePair], decoding: DecodeSettings, *,
                 nbest: NBest = REPAIR_NBEST, rounded: Callable[[float | None], float | None] = lambda s: s) -> int:
    """Translate again the pairs whose English has a repairable finding, in place; how many were replaced.

    ``decoding``: the first try's settings (``repair_decoding`` changes them for the second);
    ``rounded``: how a score is written into a pair (the pipeline's rounding). Each flagged pair gets its
    ``repair`` record; a replaced one its new ``en``, ``score`` and ``findings``. An engine without an
    n-best call (``engines.base.nbest_generate``) leaves every pair as it is.
    """
    repairable = repairable_codes()
    call = nbest_generate(translator.engine)
    if not repairable or call is None:
        return 0
    flagged = [f for f in (_flag(pair, repairable) for pair in pairs) if f is not None]
    if not flagged:
        return 0
    candidates = translate_candidates(translator, [f.pair.ar for f in flagged], repair_decoding(decoding), nbest,
                                      call)
    return sum(_choose(f, mine, repairable, rounded) for f, mine in zip(flagged, candidates, strict=True))


def translate_candidates(translator: Translator, sentences: list[str], decoding: DecodeSettings, nbest: NBest,
                         call: NBestCall) -> list[list[Translation]]:
    """Per sentence, its candidate translations, best first: batched as the first translation is
    (length-sorted, the translator's batch limits), a sentence over the model's limit cut into parts as
    there, and candidate ``k`` made of each part's ``k``-th hypothesis (its last, when it has fewer)."""
    pieces = translator.preprocess(sentences)
    outputs: list[list[Hypothesis]] = generate_batched(
        translator.engine, [p.text for p in pieces], decoding, translator.batch_size,
        call=lambda texts, settings: call(texts, settings, nbest), max_tokens=translator.max_batch_tokens,
        threads=translator.workers)
    ranks = max((len(hypotheses) for hypotheses in outputs), default=0)
    by_rank = [Translator.postprocess(len(sentences), pieces, [h[min(k, len(h) - 1)] for h in outputs])
               for k in range(ranks)]
    return [[by_rank[k][i] for k in range(ranks)] for i in range(len(sentences))]


def _flag(pair: SentencePair, repairable: frozenset[str]) -> _Flagged | None:
    if not pair.en.strip():
        return None
    findings = run_checks(PAIR, pair.ar, pair.en)
    codes = list(dict.fromkeys(f.code for f in findings if f.code in repairable))
    return _Flagged(pair, findings, codes) if codes else None


def _choose(flagged: _Flagged, candidates: list[Translation], repairable: frozenset[str],
            rounded: Callable[[float | None], float | None]) -> bool:
    """Write the repair record into the pair, and the best candidate when one qualifies (module docstring)."""
    pair = flagged.pair
    pair.repair = Repair(flagged.codes, len(candidates), False, pair.en, pair.score)
    first = _rank(flagged.findings, pair.score, repairable)
    best: tuple[tuple, Translation, list[Finding]] | None = None
    for candidate in candidates:
        if not candidate.text.strip() or candidate.text == pair.en:
            continue
        findings = run_checks(PAIR, pair.ar, candidate.text)
        rank = _rank(findings, candidate.score, repairable)
        if rank[:len(SEVERITIES)] < first[:len(SEVERITIES)] and (best is None or rank < best[0]):
            best = (rank, candidate, findings)
    if best is None:
        return False
    _, chosen, findings = best
    pair.en, pair.score, pair.findings = chosen.text, rounded(chosen.score), findings
    pair.repair.repaired = True
    return True


def _rank(findings: list[Finding], score: float | None, repairable: frozenset[str]) -> tuple:
    """Lower is better: repairable findings per severity (the most severe first), other findings, then
    the model's score (higher is better; none ranks last)."""
    severities = tuple(sum(1 for f in findings if f.code in repairable and f.severity == s) for s in SEVERITIES)
    others = sum(1 for f in findings if f.code not in repairable)
    return (*severities, others, -score if score is not None and math.isfinite(score) else math.inf)
