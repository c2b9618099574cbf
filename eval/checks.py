"""How good are the output checks? False alarms on human translations, recall on injected errors,
and whether the sentences they flag in real MT output are worse.

The checks (:mod:`summarizer.checks`) read text pairs and need no model, so every figure here is
real:

* **false alarms**: human references are faithful, so every finding on them is a false alarm. The
  FLORES-101 devtest pairs (``source.ar`` / ``reference.en``, 1,012 sentences) and the NTREX-128 dev
  documents (62 documents, their aligned sentence pairs) are checked and each finding is listed with
  its reason. A naive check (the sets of digit strings of the two sides differ) is reported beside
  the number check for scale;
* **recall on injected errors**: a seeded generator makes one faulty English sentence per eligible
  reference pair and error type (a digit changed, a number dropped, thousand/million swapped, a
  year changed, a phrase repeated 4 times, the second half of the words dropped, the Arabic copied
  through); recall is the share of them that the check meant for that error flags;
* **real systems**: the 7 system outputs of ``flores101-systems/devtest``: the share of sentences
  flagged, per check, and the mean sentence chrF (sacrebleu ``sentence_chrf``) of flagged against
  unflagged sentences, with a bootstrap 95% interval of the difference (sentences resampled);
* **summaries**: the ANT dev editors' headlines against their articles (false alarms of
  :func:`summarizer.checks.check_summary`), and injected faulty headlines (another article's
  headline, a number changed, two words from another article inserted) for recall.

Markup: the checks unescape HTML entities and drop tags (one system's file is HTML-escaped,
``don&#39;t``); chrF is computed on the same unescaped text, so the entities cost no chrF.

Run ``python -m eval.checks --help``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.data import ANT_DEV, ENV_VAR, FLORES101_SYSTEMS, FLORES200_DEVTEST, NTREX_DEV, data_root
from eval.report import bar_chart, environment, markdown_table, write_report
from summarizer.checks import CATALOGUE, check_summary, check_translation, clean_markup, repetition
from summarizer.checks import length as length_band
from summarizer.checks import names as name_check
from summarizer.checks import negation as negation_check
from summarizer.checks import summary as summary_checks
from summarizer.stages.split import split_sentences

DEFAULT_OUT = Path("reports") / "checks"
REPORT_NAME = "checks"
DEFAULT_RESAMPLES = 1000
NUMBER_CODES = frozenset({"number-mismatch", "number-unsupported"})
# Which findings count as catching each injected error.
INJECTIONS: dict[str, frozenset[str]] = {
    "digit-changed": NUMBER_CODES,
    "number-dropped": NUMBER_CODES,
    "scale-swapped": NUMBER_CODES,
    "year-changed": NUMBER_CODES,
    "phrase-repeated": frozenset({"repetition-loop"}),
    "half-dropped": frozenset({"length-ratio"}) | NUMBER_CODES,
    "copied-through": frozenset({"copy-through", "untranslated"}),
}
SUMMARY_INJECTIONS: dict[str, frozenset[str]] = {
    "other-headline": frozenset({"summary-unsupported"}),
    "number-changed": NUMBER_CODES,
    "words-inserted": frozenset({"summary-new-name"}),
}
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR_RE = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_SCALE_RE = re.compile(r"\b(thousand|million|billion)\b")
_SCALE_SWAP = {"thousand": "million", "million": "billion", "billion": "million"}
_GROUPED_RE = re.compile(r"\b\d{1,3},\d{3}\b(?!,)")
_HALF_MIN_WORDS = 8


@dataclass(frozen=True)
class Pair:
    """One sentence pair of a data set: where it is, its Arabic and its English."""

    dataset: str
    index: int
    arabic: str
    english: str
    document: str = ""  # the id of the source document ("": unknown, the pair stands alone)


# ---------------------------------------------------------------- data


def _lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="\n") as handle:
        return [line.rstrip("\r\n") for line in handle]


def flores_pairs(root: Path, limit: int | None = None) -> list[Pair]:
    """The FLORES-101 devtest pairs, each with the id of its FLORES-200 document (by URL) when
    ``flores200/devtest.jsonl`` is there and its English sentences are these, in this order."""
    folder = root / FLORES101_SYSTEMS
    ar, en = _lines(folder / "source.ar"), _lines(folder / "reference.en")
    documents = flores_documents(root, en)
    pairs = [Pair("flores101-devtest", i, a, e, documents[i] if documents else "")
             for i, (a, e) in enumerate(zip(ar, en, strict=True))]
    return pairs[:limit] if limit else pairs


def flores_documents(root: Path, english: Sequence[str]) -> list[str] | None:
    """The FLORES-200 document id of each FLORES-101 devtest sentence (the two share their English
    side, sentence for sentence); None when the file is missing or the sentences differ."""
    path = root / FLORES200_DEVTEST
    if not path.is_file():
        return None
    ids: list[str] = []
    sentences: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                doc = json.loads(line)
                ids += [doc["id"]] * len(doc["en"])
                sentences += [e.strip() for e in doc["en"]]
    return ids if sentences == [e.strip() for e in english] else None


def ntrex_pairs(root: Path, limit: int | None = None) -> tuple[list[Pair], int]:
    """The aligned sentence pairs of the NTREX dev documents (the first ``limit`` documents), and how
    many documents they come from."""
    pairs: list[Pair] = []
    documents = 0
    with open(root / NTREX_DEV, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            if limit and documents >= limit:
                break
            doc = json.loads(line)
            documents += 1
            for a, e in zip(doc["ar"], doc["en"], strict=False):
                pairs.append(Pair("ntrex128-dev", len(pairs), a.strip(), e.strip(), doc["id"]))
    return pairs, documents


def system_names(root: Path) -> list[str]:
    rows = _lines(root / FLORES101_SYSTEMS / "published_bleu.tsv")[1:]
    return [row.split("\t")[0] for row in rows if row.strip()]


def ant_articles(root: Path, limit: int | None = None) -> list[dict]:
    out = []
    with open(root / ANT_DEV, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                out.append(json.loads(line))
            if limit and len(out) >= limit:
                break
    return out


# ---------------------------------------------------------------- false alarms


def naive_digit_flag(arabic: str, english: str) -> bool:
    """The naive baseline: the digit strings (any script, separators dropped) differ as sets."""
    table = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

    def digits(text: str) -> set[str]:
        return {re.sub(r"\D", "", m) for m in re.findall(r"\d[\d,.٫٬]*", text.translate(table))}

    return digits(arabic) != digits(clean_markup(english))


def false_alarms(pairs: Sequence[Pair]) -> dict:
    """Every finding on human pairs, counted per check, and each listed with its reason."""
    flagged_by: Counter[str] = Counter()
    number_flagged = any_flagged = naive = 0
    listed = []
    for pair in pairs:
        findings = check_translation(pair.arabic, pair.english)
        codes = {f.code for f in findings}
        flagged_by.update(codes)
        number_flagged += bool(codes & NUMBER_CODES)
        any_flagged += bool(codes)
        naive += naive_digit_flag(pair.arabic, pair.english)
        for f in findings:
            listed.append(
                {"index": pair.index, **f.to_dict(), "arabic": pair.arabic, "english": pair.english}
            )
    n = len(pairs)
    return {
        "sentences": n,
        "number_flagged": number_flagged,
        "number_rate": number_flagged / n if n else 0.0,
        "naive_digit_flagged": naive,
        "naive_digit_rate": naive / n if n else 0.0,
        "any_flagged": any_flagged,
        "any_rate": any_flagged / n if n else 0.0,
        "per_check": {code: flagged_by.get(code, 0) for code in CATALOGUE if not code.startswith(("summary", "short"))},
        "findings": listed,
    }


# ---------------------------------------------------------------- injected errors


def _change_digit(english: str, rng: random.Random) -> str | None:
    spots = [m for m in _NUMBER_RE.finditer(english)]
    if not spots:
        return None
    m = rng.choice(spots)
    positions = [m.start() + i for i, ch in enumerate(m.group()) if ch.isdigit()]
    pos = rng.choice(positions)
    new = rng.choice([d for d in "0123456789" if d != english[pos] and not (d == "0" and pos == m.start())])
    return english[:pos] + new + english[pos + 1 :]


def _drop_number(english: str, rng: random.Random) -> str | None:
    spots = list(_NUMBER_RE.finditer(english))
    if not spots:
        return None
    m = rng.choice(spots)
    return re.sub(r"\s{2,}", " ", english[: m.start()] + english[m.end() :]).strip()


def _swap_scale(english: str, rng: random.Random) -> str | None:
    words = list(_SCALE_RE.finditer(english))
    if words:
        m = rng.choice(words)
        return english[: m.start()] + _SCALE_SWAP[m.group()] + english[m.end() :]
    grouped = list(_GROUPED_RE.finditer(english))
    if grouped:  # 30,000 -> 30 million
        m = rng.choice(grouped)
        head = m.group().split(",")[0]
        return english[: m.start()] + f"{head} million" + english[m.end() :]
    return None


def _change_year(english: str, rng: random.Random) -> str | None:
    years = list(_YEAR_RE.finditer(english))
    if not years:
        return None
    m = rng.choice(years)
    shift = rng.choice([d for d in range(-10, 11) if d])
    return english[: m.start()] + str(int(m.group()) + shift) + english[m.end() :]


def _repeat_phrase(english: str, rng: random.Random) -> str | None:
    words = english.split()
    if len(words) < 4:
        return None
    size = rng.randint(2, min(4, len(words) - 1))
    start = rng.randrange(0, len(words) - size + 1)
    phrase = words[start : start + size]
    return " ".join(words[: start + size] + phrase * 3 + words[start + size :])


def _drop_half(english: str, rng: random.Random) -> str | None:
    words = english.split()
    if len(words) < _HALF_MIN_WORDS:
        return None
    return " ".join(words[: len(words) // 2])


def _copy_through(english: str, rng: random.Random, arabic: str = "") -> str | None:
    return arabic or None


GENERATORS: dict[str, Callable[..., str | None]] = {
    "digit-changed": _change_digit,
    "number-dropped": _drop_number,
    "scale-swapped": _swap_scale,
    "year-changed": _change_year,
    "phrase-repeated": _repeat_phrase,
    "half-dropped": _drop_half,
    "copied-through": _copy_through,
}


def inject(pair: Pair, kind: str, rng: random.Random) -> str | None:
    """A faulty English for ``pair`` with an error of ``kind``, or None when it has nothing to break."""
    english = clean_markup(pair.english)
    if kind == "copied-through":
        return _copy_through(english, rng, pair.arabic)
    faulty = GENERATORS[kind](english, rng)
    return faulty if faulty and faulty != english else None


def injected_recall(pairs: Sequence[Pair], seed: int) -> dict:
    """Recall per error type (and whether any check flagged it), with up to 5 misses listed."""
    out = {}
    for kind, codes in INJECTIONS.items():
        rng = random.Random(f"{seed}:{kind}")
        made = caught = anything = 0
        misses = []
        for pair in pairs:
            faulty = inject(pair, kind, rng)
            if faulty is None:
                continue
            made += 1
            found = {f.code for f in check_translation(pair.arabic, faulty)}
            caught += bool(found & codes)
            anything += bool(found)
            if not found & codes and len(misses) < 5:
                misses.append({"dataset": pair.dataset, "index": pair.index, "english": faulty})
        out[kind] = {
            "injected": made,
            "caught": caught,
            "recall": caught / made if made else None,
            "any_finding": anything / made if made else None,
            "counted_codes": sorted(codes),
            "misses": misses,
        }
    return out


# ---------------------------------------------------------------- real systems


def bootstrap_difference(
    flagged: np.ndarray, scores: np.ndarray, resamples: int, seed: int
) -> tuple[float, float, float]:
    """Mean score of unflagged minus flagged sentences, with a bootstrap 95% interval (sentences
    resampled with replacement; resamples with no flagged or no unflagged sentence are skipped)."""
    point = float(scores[~flagged].mean() - scores[flagged].mean()) if flagged.any() and (~flagged).any() else float("nan")
    rng = np.random.default_rng(seed)
    n = len(scores)
    diffs = []
    for _ in range(resamples):
        idx = rng.integers(0, n, n)
        f, s = flagged[idx], scores[idx]
        if f.any() and (~f).any():
            diffs.append(s[~f].mean() - s[f].mean())
    if not diffs:
        return point, float("nan"), float("nan")
    low, high = np.percentile(diffs, [2.5, 97.5])
    return point, float(low), float(high)


def system_report(root: Path, names: Sequence[str], limit: int | None, resamples: int, seed: int) -> dict:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    folder = root / FLORES101_SYSTEMS
    source = _lines(folder / "source.ar")
    reference = _lines(folder / "reference.en")
    if limit:
        source, reference = source[:limit], reference[:limit]
    out = {}
    for k, name in enumerate(names):
        hyps = _lines(folder / f"{name}.en")[: len(source)]
        per_code: Counter[str] = Counter()
        flagged, scores = [], []
        for ar, hyp, ref in zip(source, hyps, reference, strict=True):
            codes = {f.code for f in check_translation(ar, hyp)}
            per_code.update(codes)
            flagged.append(bool(codes))
            scores.append(chrf.sentence_score(clean_markup(hyp), [ref]).score)
        flags, values = np.array(flagged), np.array(scores)
        diff, low, high = bootstrap_difference(flags, values, resamples, seed + k)
        n = len(values)
        out[name] = {
            "sentences": n,
            "flagged": int(flags.sum()),
            "flagged_rate": float(flags.mean()) if n else 0.0,
            "per_check": {code: per_code.get(code, 0) for code in CATALOGUE if per_code.get(code)},
            "chrf_flagged": float(values[flags].mean()) if flags.any() else None,
            "chrf_unflagged": float(values[~flags].mean()) if (~flags).any() else None,
            "chrf_difference": diff,
            "ci_low": low,
            "ci_high": high,
            "html_entities": sum(1 for h in hyps if re.search(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-z]+);", h)),
        }
    return {"systems": out, "chrf_signature": str(chrf.get_signature())}


# ---------------------------------------------------------------- summaries


def _headline_number_change(title: str, rng: random.Random) -> str | None:
    return _change_digit(title, rng)


def summary_report(articles: Sequence[dict], seed: int) -> dict:
    """False alarms of the summary checks on editors' headlines, and recall on injected headlines."""
    sentences = [split_sentences(a["text"]) for a in articles]
    flagged_by: Counter[str] = Counter()
    listed = []
    any_flagged = 0
    for article, sents in zip(articles, sentences, strict=True):
        findings = check_summary(sents, article["title"])
        codes = {f.code for f in findings}
        flagged_by.update(codes)
        any_flagged += bool(codes - {"short-article"})
        for f in findings:
            if f.code != "short-article":
                listed.append({"id": article["id"], **f.to_dict(), "headline": article["title"]})
    n = len(articles)
    recall = {}
    for kind, codes in SUMMARY_INJECTIONS.items():
        rng = random.Random(f"{seed}:{kind}")
        made = caught = 0
        for i, (article, sents) in enumerate(zip(articles, sentences, strict=True)):
            if n < 2:
                break
            other = articles[(i + 1 + rng.randrange(n - 1)) % n]
            if kind == "other-headline":
                faulty = other["title"]
            elif kind == "number-changed":
                faulty = _headline_number_change(article["title"], rng)
            else:
                faulty = _insert_words(article, other, rng)
            if not faulty:
                continue
            made += 1
            caught += bool({f.code for f in check_summary(sents, faulty)} & codes)
        recall[kind] = {"injected": made, "caught": caught, "recall": caught / made if made else None,
                        "counted_codes": sorted(codes)}
    return {
        "articles": n,
        "any_flagged": any_flagged,
        "any_rate": any_flagged / n if n else 0.0,
        "per_check": {code: flagged_by.get(code, 0) for code in CATALOGUE if code.startswith(("summary", "number", "short"))},
        "findings": listed,
        "recall": recall,
    }


def _insert_words(article: dict, other: dict, rng: random.Random) -> str | None:
    """The headline with two consecutive words of another article's text (a name, a title) that
    this article never uses inserted at a random place."""
    surface, stems = summary_checks._vocabulary(article["text"])
    words = other["text"].split()
    starts = list(range(len(words) - 1))
    rng.shuffle(starts)
    for s in starts[:200]:
        chunk = " ".join(words[s : s + 2])
        if len(summary_checks.new_words(chunk, surface, stems)) == 2:
            title = article["title"].split()
            at = rng.randrange(len(title) + 1)
            return " ".join([*title[:at], chunk, *title[at:]])
    return None


# ---------------------------------------------------------------- negation

NEGATION_INJECTIONS = ("negation-removed", "negation-added")
_EN_NEGATOR_RE = re.compile(r"\b(?:not|never)\s+|(?<=[A-Za-z])n['\u2019]t\b|\bcannot\b", re.IGNORECASE)
_EN_NT_STEM = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
_EN_AUXILIARY_RE = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|has|have|had|should|may|might|must|does|did|do)\b(?=\s+[a-z])"
)
_BAD_INPUTS = {
    "100,000 digits": ("٣" * 50_000 + "7" * 50_000, "0123456789" * 10_000),
    "لا x 20,000": ("لا " * 20_000, "no " * 20_000),
    "mixed scripts": ("لم S&P500 لا-not " * 6_000, "n't لا not-لم 5G " * 6_000),
}


def _negation_flag(arabic: str, english: str) -> bool:
    return bool(negation_check.check_negation(arabic, english))


def remove_negation(english: str, rng: random.Random) -> str | None:
    """The English with one of its "not", "never", "n't" or "cannot" taken out, as an MT system drops it
    ("did not agree" -> "did agree", "won't" -> "will"); None without one."""
    spots = list(_EN_NEGATOR_RE.finditer(english))
    if not spots:
        return None
    m = rng.choice(spots)
    if m.group().lower() == "cannot":
        return english[: m.start()] + m.group()[:3] + english[m.end() :]
    if m.group()[0] == "n" and m.group()[1] in "'\u2019":  # the n't of isn't, won't
        word_start = max(english.rfind(" ", 0, m.start()) + 1, 0)
        stem = english[word_start : m.start()]
        stem = _EN_NT_STEM.get(stem.lower(), stem)
        return english[:word_start] + stem + english[m.end() :]
    return english[: m.start()] + english[m.end() :]


def add_negation(english: str, rng: random.Random) -> str | None:
    """The English of a sentence with no negation with "not" put after one of its auxiliaries ("was
    signed" -> "was not signed"); None when it is negated already or has no auxiliary."""
    if negation_check.english_polarity(english).any:
        return None
    spots = list(_EN_AUXILIARY_RE.finditer(english))
    if not spots:
        return None
    m = rng.choice(spots)
    return english[: m.end()] + " not" + english[m.end() :]


def negation_recall(pairs: Sequence[Pair], seed: int) -> dict:
    """Recall of the negation check on negation removed from, or added to, human English."""
    out = {}
    for kind, make in (("negation-removed", remove_negation), ("negation-added", add_negation)):
        rng = random.Random(f"{seed}:{kind}")
        made = caught = 0
        misses = []
        for pair in pairs:
            faulty = make(clean_markup(pair.english), rng)
            if faulty is None:
                continue
            made += 1
            hit = _negation_flag(pair.arabic, faulty)
            caught += hit
            if not hit and len(misses) < 10:
                misses.append({"dataset": pair.dataset, "index": pair.index, "arabic": pair.arabic, "english": faulty})
        out[kind] = {"injected": made, "caught": caught, "recall": caught / made if made else None, "misses": misses}
    return out


def negation_false_alarms(pairs: Sequence[Pair]) -> dict:
    """Human pairs the negation check flags (each a false alarm), listed with the reason."""
    listed = []
    for pair in pairs:
        for f in negation_check.check_negation(pair.arabic, pair.english):
            listed.append({"index": pair.index, **f.to_dict(), "arabic": pair.arabic, "english": pair.english})
    n = len(pairs)
    flagged = len({f["index"] for f in listed})
    return {"sentences": n, "flagged": flagged, "rate": flagged / n if n else 0.0, "findings": listed}


def negation_systems(root: Path, names: Sequence[str], limit: int | None, resamples: int, seed: int) -> dict:
    """Per system: sentences the negation check flags and the chrF of flagged against unflagged ones."""
    return systems_flagged(root, names, limit, resamples, seed,
                           lambda source, hyps: [_negation_flag(ar, hyp) for ar, hyp in zip(source, hyps, strict=True)])


def systems_flagged(root: Path, names: Sequence[str], limit: int | None, resamples: int, seed: int,
                    flags_of: Callable[[list[str], list[str]], Sequence[bool]]) -> dict:
    """Per system of FLORES-101 devtest: the sentences ``flags_of(sources, hypotheses)`` flags, the mean chrF
    of flagged and unflagged sentences and their difference with a bootstrap interval; and on how many
    systems the flagged ones score lower."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    folder = root / FLORES101_SYSTEMS
    source, reference = _lines(folder / "source.ar"), _lines(folder / "reference.en")
    if limit:
        source, reference = source[:limit], reference[:limit]
    out = {}
    for k, name in enumerate(names):
        hyps = _lines(folder / f"{name}.en")[: len(source)]
        flags = np.array(flags_of(source, hyps), dtype=bool)
        scores = np.array([chrf.sentence_score(clean_markup(h), [r]).score for h, r in zip(hyps, reference, strict=True)])
        diff, low, high = bootstrap_difference(flags, scores, resamples, seed + k)
        out[name] = {
            "sentences": len(scores), "flagged": int(flags.sum()),
            "chrf_flagged": float(scores[flags].mean()) if flags.any() else None,
            "chrf_unflagged": float(scores[~flags].mean()) if (~flags).any() else None,
            "chrf_difference": diff, "ci_low": low, "ci_high": high,
        }
    worse = sum(1 for s in out.values() if s["chrf_flagged"] is not None and s["chrf_unflagged"] is not None
                and s["chrf_flagged"] < s["chrf_unflagged"])
    return {"systems": out, "flagged_worse": worse}


def _timed(check: Callable[[str, str], object], cases: Mapping[str, tuple[str, str]]) -> dict:
    """Seconds ``check`` takes on each (Arabic, English) case: the first run (its word caches cold for
    the case) and the best of 3. Measured, never asserted."""
    out = {}
    for name, (arabic, english) in cases.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            check(arabic, english)
            runs.append(time.perf_counter() - started)
        out[name] = {"chars": len(arabic) + len(english), "first": round(runs[0], 4), "seconds": round(min(runs), 4)}
    return out


def negation_bad_inputs() -> dict:
    """Seconds the negation check takes on long, strange pairs (first run and best of 3)."""
    return _timed(negation_check.check_negation, _BAD_INPUTS)


def negation_report(flores: Sequence[Pair], ntrex: Sequence[Pair], root: Path, limit: int | None, resamples: int,
                    seed: int) -> dict:
    """The negation check's section: false alarms, recall on injected errors, real systems, bad input."""
    return {
        "false_alarms": {"flores101-devtest": negation_false_alarms(flores), "ntrex128-dev": negation_false_alarms(ntrex)},
        "recall": negation_recall([*flores, *ntrex], seed),
        "real_systems": negation_systems(root, system_names(root), limit, resamples, seed),
        "bad_inputs": negation_bad_inputs(),
    }


def _chrf_cells(s: dict) -> list[str]:
    """A system's mean chrF of flagged and unflagged sentences and their difference [95% CI], "n/a" where
    there is nothing to compare (no sentence flagged)."""
    def mean(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    difference = ("n/a" if s["chrf_flagged"] is None or s["chrf_unflagged"] is None
                  else f"{s['chrf_difference']:+.1f} [{s['ci_low']:+.1f}, {s['ci_high']:+.1f}]")
    return [mean(s["chrf_flagged"]), mean(s["chrf_unflagged"]), difference]


def _chrf_line(s: dict) -> str:
    """:func:`_chrf_cells` as words, for the console."""
    flagged, unflagged, difference = _chrf_cells(s)
    return f"chrF flagged {flagged} unflagged {unflagged}, difference {difference}"


def _lower_on(real_systems: dict, flagged: str = "Flagged sentences") -> str:
    """How many systems' flagged sentences score lower, naming those with none flagged."""
    systems = real_systems["systems"]
    none = [name for name, s in systems.items() if s["chrf_flagged"] is None]
    tail = f" ({', '.join(none)}: no sentence flagged)" if none else ""
    return f"{flagged} score lower on {real_systems['flagged_worse']} of {len(systems)} systems{tail}."


def _systems_and_bad_inputs_markdown(section: dict) -> list[str]:
    """A model-free check's real-system table (flagged against unflagged chrF) and its bad-input timings."""
    systems = [[name, s["flagged"], *_chrf_cells(s)] for name, s in section["real_systems"]["systems"].items()]
    bad = [[name, v["chars"], f"{v['first']:.4f}", f"{v['seconds']:.4f}"] for name, v in section["bad_inputs"].items()]
    return [
        _lower_on(section["real_systems"]),
        markdown_table(["system", "flagged", "chrF flagged", "chrF unflagged", "difference [95% CI]"], systems),
        markdown_table(["bad input", "characters", "seconds, first run", "seconds, best of 3"], bad),
    ]


def negation_markdown(section: dict) -> str:
    """The negation check's part of the Markdown report."""
    fa = [[name, r["sentences"], f"{r['flagged']} ({_pct(r['rate'])})"] for name, r in section["false_alarms"].items()]
    rec = [[k, v["injected"], v["caught"], _pct(v["recall"])] for k, v in section["recall"].items()]
    listed = [f"- {name} #{f['index']}: {f['message']}  \n  AR: {f['arabic']}  \n  EN: {f['english']}"
              for name, r in section["false_alarms"].items() for f in r["findings"]]
    return "\n\n".join([
        "## Negation check (`negation-mismatch`)",
        markdown_table(["data", "sentences", "flagged (false alarms)"], fa),
        markdown_table(["injected error", "injected", "caught", "recall"], rec),
        *_systems_and_bad_inputs_markdown(section),
        "### Every negation false alarm on the human translations",
        "\n".join(listed) or "none",
    ])


def negation_summary_lines(section: dict) -> list[str]:
    """The negation check's headline figures, one a line."""
    lines = [f"negation false alarms {name}: {r['flagged']}/{r['sentences']} ({_pct(r['rate'])})"
             for name, r in section["false_alarms"].items()]
    lines += [f"negation recall {k}: {v['caught']}/{v['injected']} ({_pct(v['recall'])})"
              for k, v in section["recall"].items()]
    systems = section["real_systems"]
    lines += [f"negation system {name}: flagged {s['flagged']}, " + _chrf_line(s) for name, s in systems["systems"].items()]
    lines.append(f"negation: flagged worse on {systems['flagged_worse']} of {len(systems['systems'])} systems")
    lines += [f"negation bad input {name}: {v['chars']} characters, {v['first']:.4f} s first, {v['seconds']:.4f} s best"
              for name, v in section["bad_inputs"].items()]
    return lines


# ---------------------------------------------------------------- names

NAME_CODES = frozenset({"name-unsupported", "name-missing"})
# Which findings count as catching each injected name error (a finding the pair did not have before): a
# swapped name is a name the Arabic does not give (unsupported) and one the English no longer gives
# (missing); the report also says how many ``name-unsupported`` alone caught.
NAME_INJECTIONS: dict[str, frozenset[str]] = {"name-swapped": frozenset({"name-unsupported", "name-missing"}),
                                              "name-dropped": frozenset({"name-missing"})}


def _caught(after: set[str], before: set[str], counted: frozenset[str]) -> set[str]:
    """The counted codes that an injected error brought: in ``after``, not in ``before``."""
    return (after - before) & counted


def _name_codes(arabic: str, english: str) -> set[str]:
    return {f.code for f in name_check.check_names(arabic, english)}


def _matched_names(pair: Pair) -> list[str]:
    """The English names of a pair (runs of capitalised words) that its Arabic renders, the ones an
    injected error can swap or drop."""
    side = name_check.ArabicSide.read(clean_markup(pair.arabic))
    return [n.text for n in name_check.english_names(clean_markup(pair.english))
            if n.strong and any(side.renders(w) for w in n.strong)]


def name_pool(pairs: Sequence[Pair]) -> list[str]:
    """Every name of one word that the corpus' English uses, the pool a swapped name is drawn from."""
    return sorted({w for p in pairs for n in name_check.english_names(clean_markup(p.english)) for w in n.strong
                   if not name_check.word_rows(w)})


def inject_name(pair: Pair, kind: str, rng: random.Random, pool: Sequence[str]) -> str | None:
    """The English of ``pair`` with one of its rendered names swapped for another name of the corpus
    (``name-swapped``) or dropped (``name-dropped``); None when it has no rendered name."""
    english = clean_markup(pair.english)
    names = _matched_names(pair)
    if not names:
        return None
    name = rng.choice(names)
    if kind == "name-swapped":
        replacement = rng.choice([w for w in pool if w not in name.split()] or [""])
        faulty = english.replace(name, replacement, 1)
    else:
        faulty = re.sub(r"\s{2,}", " ", english.replace(name, "", 1)).strip()
    return faulty if faulty != english else None


def name_recall(pairs: Sequence[Pair], seed: int) -> dict:
    """Recall per injected name error: the share of faulty Englishes with a counted finding that the
    pair's own English did not have (and per code), with up to 5 misses listed."""
    pool = name_pool(pairs)
    out = {}
    for kind, counted in NAME_INJECTIONS.items():
        rng = random.Random(f"{seed}:{kind}")
        made = caught = 0
        by_code: Counter[str] = Counter()
        misses = []
        for pair in pairs:
            faulty = inject_name(pair, kind, rng, pool)
            if faulty is None:
                continue
            made += 1
            new = _caught(_name_codes(pair.arabic, faulty), _name_codes(pair.arabic, pair.english), counted)
            caught += bool(new)
            by_code.update(new)
            if not new and len(misses) < 5:
                misses.append({"dataset": pair.dataset, "index": pair.index, "english": faulty})
        out[kind] = {"injected": made, "caught": caught, "recall": caught / made if made else None,
                     "counted_codes": sorted(counted), "by_code": {c: by_code.get(c, 0) for c in sorted(counted)},
                     "misses": misses}
    return out


def name_false_alarms(pairs: Sequence[Pair]) -> dict:
    """The name check's findings on human pairs (every one a false alarm), per code, each listed."""
    per_code: Counter[str] = Counter()
    flagged = 0
    listed = []
    for pair in pairs:
        findings = name_check.check_names(pair.arabic, pair.english)
        per_code.update({f.code for f in findings})
        flagged += bool(findings)
        listed += [{"index": pair.index, **f.to_dict(), "arabic": pair.arabic, "english": pair.english}
                   for f in findings]
    n = len(pairs)
    return {"sentences": n, "flagged": flagged, "rate": flagged / n if n else 0.0,
            "per_code": {code: per_code.get(code, 0) for code in sorted(NAME_CODES)},
            "rate_per_code": {code: per_code.get(code, 0) / n if n else 0.0 for code in sorted(NAME_CODES)},
            "findings": listed}


def documents_of(pairs: Sequence[Pair]) -> list[list[Pair]]:
    """The pairs grouped into their documents (consecutive pairs of one id; a pair of no id alone)."""
    out: list[list[Pair]] = []
    for pair in pairs:
        if out and pair.document and out[-1][0].document == pair.document:
            out[-1].append(pair)
        else:
            out.append([pair])
    return out


def _article_name_codes(pairs: Sequence[tuple[str, str]]) -> list[set[str]]:
    return [{f.code for f in findings} for findings in name_check.check_article_names(pairs)]


def _half(index: int) -> str:
    return "even" if index % 2 == 0 else "odd"


def name_article_false_alarms(pairs: Sequence[Pair]) -> dict:
    """The name check run on whole documents (:func:`summarizer.checks.names.check_article_names`: the
    names an article teaches are held in each of its pairs) on human pairs: findings per code, per half
    (even- and odd-numbered sentences), each new one (no finding of the pair check) listed."""
    per_code: Counter[str] = Counter()
    halves: dict[str, Counter[str]] = {"even": Counter(), "odd": Counter()}
    sizes: Counter[str] = Counter()
    flagged = 0
    listed = []
    documents = documents_of(pairs)
    for doc in documents:
        results = name_check.check_article_names([(p.arabic, p.english) for p in doc])
        for pair, findings in zip(doc, results, strict=True):
            codes = {f.code for f in findings}
            per_code.update(codes)
            halves[_half(pair.index)].update(codes)
            sizes[_half(pair.index)] += 1
            flagged += bool(codes)
            alone = {f.message for f in name_check.check_names(pair.arabic, pair.english)}
            listed += [{"index": pair.index, "document": pair.document, **f.to_dict(), "arabic": pair.arabic,
                        "english": pair.english} for f in findings if f.message not in alone]
    n = len(pairs)
    return {"sentences": n, "documents": len(documents), "flagged": flagged, "rate": flagged / n if n else 0.0,
            "per_code": {code: per_code.get(code, 0) for code in sorted(NAME_CODES)},
            "rate_per_code": {code: per_code.get(code, 0) / n if n else 0.0 for code in sorted(NAME_CODES)},
            "halves": {half: {"sentences": sizes[half], "per_code": {c: count.get(c, 0) for c in sorted(NAME_CODES)}}
                       for half, count in halves.items()},
            "new_findings": listed}


def name_article_recall(pairs: Sequence[Pair], seed: int) -> dict:
    """Recall per injected name error with the check run on whole documents: the error is injected into
    one pair of a document (the same errors as :func:`name_recall`), the others left as the human wrote
    them; caught when that pair has a counted finding it did not have on the untouched document. Per
    half (even- and odd-numbered sentences) too."""
    pool = name_pool(pairs)
    documents = documents_of(pairs)
    out = {}
    for kind, counted in NAME_INJECTIONS.items():
        rng = random.Random(f"{seed}:{kind}")
        made: Counter[str] = Counter()
        caught: Counter[str] = Counter()
        per_set: dict[str, Counter[str]] = {}
        for doc in documents:
            originals = [(p.arabic, p.english) for p in doc]
            before: list[set[str]] | None = None
            for j, pair in enumerate(doc):
                faulty = inject_name(pair, kind, rng, pool)
                if faulty is None:
                    continue
                before = before or _article_name_codes(originals)
                changed = [*originals[:j], (pair.arabic, faulty), *originals[j + 1:]]
                hit = bool(_caught(_article_name_codes(changed)[j], before[j], counted))
                alone = bool(_caught(_name_codes(pair.arabic, faulty), _name_codes(pair.arabic, pair.english), counted))
                made[_half(pair.index)] += 1
                caught[_half(pair.index)] += hit
                per_set.setdefault(pair.dataset, Counter()).update(
                    {"injected": 1, "caught": int(hit), "caught_pair_by_pair": int(alone)})
        total, hits = sum(made.values()), sum(caught.values())
        out[kind] = {"injected": total, "caught": hits, "recall": hits / total if total else None,
                     "counted_codes": sorted(counted),
                     "datasets": {name: {k: count.get(k, 0) for k in ("injected", "caught", "caught_pair_by_pair")}
                                  for name, count in per_set.items()},
                     "halves": {half: {"injected": made[half], "caught": caught[half],
                                       "recall": caught[half] / made[half] if made[half] else None}
                                for half in ("even", "odd")}}
    return out


def _spans(ids: Sequence[str]) -> list[range]:
    """The index ranges of consecutive equal document ids."""
    out: list[range] = []
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            out.append(range(start, i))
            start = i
    return out


def name_systems(root: Path, names: Sequence[str], limit: int | None, resamples: int, seed: int,
                 documents: Sequence[str] | None = None) -> dict:
    """Per system: sentences with a name finding, and their mean chrF against the others'; with
    ``documents`` (each sentence's document id), the check run on whole documents."""
    def flags_of(source: list[str], hyps: list[str]) -> list[bool]:
        if documents is None:
            return [bool(_name_codes(ar, hyp)) for ar, hyp in zip(source, hyps, strict=True)]
        return [bool(c) for doc in _spans(documents[: len(source)])
                for c in _article_name_codes([(source[i], hyps[i]) for i in doc])]

    return systems_flagged(root, names, limit, resamples, seed, flags_of)


def name_bad_inputs() -> dict:
    """Seconds the name check takes on pathological pairs of about 100,000 characters a side (first run and
    best of 3)."""
    capitals = " ".join(f"Name{i % 97}x Capital" for i in range(10_000))
    cases = {
        "capitalised words": (capitals, capitals),
        "one Arabic word repeated": ("لافروف " * 15_000, capitals),
        "one huge Arabic word": ("ولافروفكيريموسكوواشنطن" * 5_000, capitals),
        "mixed scripts": (" ".join(f"Kerry لافروف {i} ج" for i in range(6_000)),) * 2,
        "a title before each of 2,500 rare words": (
            " ".join(f"الرئيس {chr(0x628 + i % 20)}{chr(0x628 + i // 20 % 20)}{chr(0x641 + i // 400 % 7)}ستون"
                     for i in range(2_500)), capitals),
    }
    return _timed(name_check.check_names, cases)


def names_report(flores: Sequence[Pair], ntrex: Sequence[Pair], root: Path, limit: int | None, resamples: int,
                 seed: int) -> dict:
    """The name check's section: false alarms, recall on injected errors, real systems, bad input."""
    section = {
        "false_alarms": {"flores101-devtest": name_false_alarms(flores), "ntrex128-dev": name_false_alarms(ntrex)},
        "recall": name_recall([*flores, *ntrex], seed),
        "real_systems": name_systems(root, system_names(root), limit, resamples, seed),
        "bad_inputs": name_bad_inputs(),
    }
    with_ids = [pairs for pairs in (flores, ntrex) if pairs and all(p.document for p in pairs)]
    section["articles"] = {
        "false_alarms": {pairs[0].dataset: name_article_false_alarms(pairs) for pairs in with_ids},
        "recall": name_article_recall([p for pairs in with_ids for p in pairs], seed),
        "real_systems": (name_systems(root, system_names(root), limit, resamples, seed,
                                      [p.document for p in flores]) if flores and all(p.document for p in flores)
                         else None),
        "without_document_ids": [name for name, pairs in (("flores101-devtest", flores), ("ntrex128-dev", ntrex))
                                 if pairs and not all(p.document for p in pairs)],
    }
    return section


def names_markdown(section: dict) -> str:
    """The name check's part of the Markdown report."""
    fa = [[name, r["sentences"], *(f"{r['per_code'][c]} ({_pct(r['rate_per_code'][c])})" for c in sorted(NAME_CODES)),
           f"{r['flagged']} ({_pct(r['rate'])})"] for name, r in section["false_alarms"].items()]
    rec = [[k, v["injected"], v["caught"], _pct(v["recall"]),
            ", ".join(f"{c} {n}" for c, n in v["by_code"].items())] for k, v in section["recall"].items()]
    listed = [f"- {name} #{f['index']} `{f['code']}`: {f['message']}  \n  AR: {f['arabic']}  \n  EN: {f['english']}"
              for name, r in section["false_alarms"].items() for f in r["findings"]]
    return "\n\n".join([
        "## Name check (`name-unsupported`, `name-missing`)",
        markdown_table(["data", "sentences", *sorted(NAME_CODES), "either"], fa),
        markdown_table(["injected error", "injected", "caught (a new name finding)", "recall", "by code"], rec),
        *_systems_and_bad_inputs_markdown(section),
        "### Every name false alarm on the human translations",
        "\n".join(listed) or "none",
        *(names_articles_markdown(section["articles"]) if "articles" in section else []),
    ])


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def names_articles_markdown(articles: dict) -> list[str]:
    """The name check on whole documents: its part of the Markdown report."""
    fa = [[name, r["documents"], r["sentences"],
           *(f"{r['per_code'][c]} ({_pct(r['rate_per_code'][c])})" for c in sorted(NAME_CODES)),
           *(f"{h['per_code']['name-missing']}/{h['sentences']}" for h in r["halves"].values())]
          for name, r in articles["false_alarms"].items()]
    rec = [[k, v["injected"], v["caught"], _pct(v["recall"]),
            *(f"{h['caught']}/{h['injected']} ({_pct(h['recall'])})" for h in v["halves"].values())]
           for k, v in articles["recall"].items()]
    listed = [f"- {name} #{f['index']} ({f['document']}) `{f['code']}`: {f['message']}  \n  AR: {f['arabic']}  \n"
              f"  EN: {f['english']}" for name, r in articles["false_alarms"].items() for f in r["new_findings"]]
    per_set = [[k, name, v["injected"], f"{v['caught_pair_by_pair']} ({_pct(_share(v['caught_pair_by_pair'], v['injected']))})",
                f"{v['caught']} ({_pct(_share(v['caught'], v['injected']))})"]
               for k, r in articles["recall"].items() for name, v in r["datasets"].items()]
    parts = [
        "## Name check on whole documents (names learnt from the article)",
        markdown_table(["data", "documents", "sentences", *sorted(NAME_CODES), "name-missing even", "name-missing odd"],
                       fa),
        markdown_table(["injected error (one pair of a document)", "injected", "caught", "recall", "even", "odd"], rec),
        markdown_table(["injected error", "data", "injected", "caught pair by pair", "caught on whole documents"],
                       per_set),
    ]
    systems = articles.get("real_systems")
    if systems:
        parts.append(_lower_on(systems, "Flagged sentences (whole documents)"))
        parts.append(markdown_table(
            ["system", "flagged", "chrF flagged", "chrF unflagged", "difference [95% CI]"],
            [[name, x["flagged"], *_chrf_cells(x)] for name, x in systems["systems"].items()]))
    if articles["without_document_ids"]:
        parts.append("No document ids for: " + ", ".join(articles["without_document_ids"]) + " (not measured here).")
    parts += ["### Findings on whole documents that the pair check does not give", "\n".join(listed) or "none"]
    return parts


def names_summary_lines(section: dict) -> list[str]:
    """The name check's headline figures, one a line."""
    lines = [f"names false alarms {name}: " + ", ".join(
        f"{c} {r['per_code'][c]}/{r['sentences']} ({_pct(r['rate_per_code'][c])})" for c in sorted(NAME_CODES))
        for name, r in section["false_alarms"].items()]
    lines += [f"names recall {k}: {v['caught']}/{v['injected']} ({_pct(v['recall'])})"
              for k, v in section["recall"].items()]
    lines += [f"names system {name}: flagged {s['flagged']}/{s['sentences']}, " + _chrf_line(s)
              for name, s in section["real_systems"]["systems"].items()]
    lines.append(f"names: flagged worse on {section['real_systems']['flagged_worse']} of "
                 f"{len(section['real_systems']['systems'])} systems; bad inputs "
                 + ", ".join(f"{k} {v['first']:.3f} s first, {v['seconds']:.3f} s best"
                             for k, v in section["bad_inputs"].items()))
    articles = section.get("articles")
    if articles:
        lines += [f"names on documents, false alarms {name} ({r['documents']} documents): " + ", ".join(
            f"{c} {r['per_code'][c]}/{r['sentences']} ({_pct(r['rate_per_code'][c])})" for c in sorted(NAME_CODES))
            for name, r in articles["false_alarms"].items()]
        lines += [f"names on documents, recall {k}: {v['caught']}/{v['injected']} ({_pct(v['recall'])}); "
                  + ", ".join(f"{half} {h['caught']}/{h['injected']}" for half, h in v["halves"].items())
                  for k, v in articles["recall"].items()]
        if articles.get("real_systems"):
            lines.append(f"names on documents: flagged worse on {articles['real_systems']['flagged_worse']} of "
                         f"{len(articles['real_systems']['systems'])} systems")
    return lines


# ---------------------------------------------------------------- report


def settings_dict(root: Path, limit: int | None, seed: int, resamples: int) -> dict:
    return {
        "data_root": str(root),
        "limit": limit,
        "seed": seed,
        "bootstrap": {"resamples": resamples, "unit": "sentence", "interval": 0.95},
        "length_band": {
            "model": f"log(en_chars) = {length_band.INTERCEPT} + {length_band.SLOPE} * log(ar_chars)",
            "low": length_band.LOW,
            "high": length_band.HIGH,
            "min_source_chars": length_band.MIN_SOURCE_CHARS,
        },
        "loop": {"min_copies_word": repetition.MIN_COPIES_WORD, "min_copies_phrase": repetition.MIN_COPIES_PHRASE,
                 "max_n": repetition.MAX_N},
        "summary": {"min_support": summary_checks.MIN_SUPPORT, "min_new_words": summary_checks.MIN_NEW_WORDS,
                    "min_article_words": summary_checks.MIN_ARTICLE_WORDS},
        "markup": "HTML entities unescaped and tags removed before checking and before chrF",
        "injections": {k: sorted(v) for k, v in INJECTIONS.items()},
        "half_dropped_min_words": _HALF_MIN_WORDS,
    }


def run_all(root: Path, limit: int | None = None, seed: int = 0, resamples: int = DEFAULT_RESAMPLES) -> dict:
    """Every section of the report, as one JSON-ready dict."""
    started = time.perf_counter()
    flores = flores_pairs(root, limit)
    ntrex, documents = ntrex_pairs(root, limit)
    payload = {
        "settings": settings_dict(root, limit, seed, resamples),
        "false_alarms": {"flores101-devtest": false_alarms(flores), "ntrex128-dev": false_alarms(ntrex)},
        "ntrex_documents": documents,
        "recall": injected_recall([*flores, *ntrex], seed),
        "real_systems": system_report(root, system_names(root), limit, resamples, seed),
        "summaries": summary_report(ant_articles(root, limit), seed),
    }
    payload["negation"] = negation_report(flores, ntrex, root, limit, resamples, seed)
    payload["names"] = names_report(flores, ntrex, root, limit, resamples, seed)
    payload["seconds"] = round(time.perf_counter() - started, 1)
    return payload


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def markdown(payload: dict, chart_names: Sequence[str]) -> str:
    fa = payload["false_alarms"]
    codes = [c for c in CATALOGUE if not c.startswith(("summary", "short"))]
    fa_rows = [
        [name, r["sentences"], f"{r['number_flagged']} ({_pct(r['number_rate'])})",
         f"{r['naive_digit_flagged']} ({_pct(r['naive_digit_rate'])})", f"{r['any_flagged']} ({_pct(r['any_rate'])})",
         *[r["per_check"].get(c, 0) for c in codes]]
        for name, r in fa.items()
    ]
    rec_rows = [[k, v["injected"], v["caught"], _pct(v["recall"]), _pct(v["any_finding"]), ", ".join(v["counted_codes"])]
                for k, v in payload["recall"].items()]
    systems = payload["real_systems"]["systems"]
    sys_rows = [
        [name, _pct(s["flagged_rate"]), *_chrf_cells(s),
         ", ".join(f"{c} {n}" for c, n in s["per_check"].items()) or "-", s["html_entities"]]
        for name, s in systems.items()
    ]
    summ = payload["summaries"]
    sum_rows = [[c, n, _pct(n / summ["articles"] if summ["articles"] else 0.0)] for c, n in summ["per_check"].items()]
    sum_rec = [[k, v["injected"], v["caught"], _pct(v["recall"]), ", ".join(v["counted_codes"])]
               for k, v in summ["recall"].items()]
    listed = []
    for name, r in fa.items():
        for f in r["findings"]:
            listed.append(f"- {name} #{f['index']} `{f['code']}`: {f['message']}  \n  AR: {f['arabic']}  \n  EN: {f['english']}")
    sum_listed = [f"- ANT {f['id']} `{f['code']}`: {f['message']} (headline: {f['headline']})" for f in summ["findings"]]
    s = payload["settings"]
    parts = [
        "# Output checks: false alarms, recall and real systems",
        f"Data root `{s['data_root']}`, limit {s['limit']}, seed {s['seed']}, bootstrap {s['bootstrap']['resamples']} "
        f"resamples; length band {s['length_band']['model']}, residual in [{s['length_band']['low']}, "
        f"{s['length_band']['high']}]; loops: {s['loop']['min_copies_word']} copies of a word or "
        f"{s['loop']['min_copies_phrase']} of a 2-{s['loop']['max_n']} word phrase; summaries: support under "
        f"{s['summary']['min_support']}, {s['summary']['min_new_words']}+ new words, articles under "
        f"{s['summary']['min_article_words']} words. {s['markup']}. chrF: {payload['real_systems']['chrf_signature']}. "
        f"Took {payload['seconds']} s.",
        "## False alarms on human translations",
        "Sentences with a finding; the naive column flags a pair when its digit strings differ as sets.",
        markdown_table(["data", "sentences", "number check", "naive digits", "any check", *codes], fa_rows),
        "## Recall on injected errors",
        "One faulty English per eligible reference pair (FLORES-101 devtest and NTREX dev) and error type; "
        "recall counts the checks named in the last column, the column before it any finding.",
        markdown_table(["error", "injected", "caught", "recall", "any finding", "counted as caught by"], rec_rows),
        "## Real systems (FLORES-101 devtest)",
        "Share of sentences with any finding, mean sentence chrF of flagged and unflagged sentences, and "
        "unflagged minus flagged with a bootstrap 95% interval.",
        markdown_table(["system", "flagged", "chrF flagged", "chrF unflagged", "difference [95% CI]", "per check",
                        "lines with HTML entities"], sys_rows),
        f"## Summaries (ANT dev, {summ['articles']} editors' headlines)",
        f"Headlines with a finding other than short-article: {summ['any_flagged']} ({_pct(summ['any_rate'])}).",
        markdown_table(["check", "headlines flagged", "share"], sum_rows),
        markdown_table(["injected error", "injected", "caught", "recall", "counted as caught by"], sum_rec),
        *[f"![chart]({name})" for name in chart_names],
        "## Every false alarm on the human translations",
        "\n".join(listed) or "none",
        "## Every summary finding on the editors' headlines",
        "\n".join(sum_listed) or "none",
    ]
    parts += [negation_markdown(payload["negation"])] if "negation" in payload else []
    parts += [names_markdown(payload["names"])] if "names" in payload else []
    return "\n\n".join(parts)


def write_checks_report(out: str | Path, payload: dict) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    systems = payload["real_systems"]["systems"]
    chart_systems = out / f"{REPORT_NAME}_systems.png"
    chart_recall = out / f"{REPORT_NAME}_recall.png"
    names = list(systems)
    bar_chart(
        chart_systems,
        "Mean sentence chrF of flagged and unflagged sentences (FLORES-101 devtest)",
        names,
        {
            "flagged": [systems[n]["chrf_flagged"] or 0.0 for n in names],
            "unflagged": [systems[n]["chrf_unflagged"] or 0.0 for n in names],
        },
        "chrF",
    )
    recall = payload["recall"]
    bar_chart(
        chart_recall,
        "Recall on injected errors",
        [*recall, *(f"summary {k}" for k in payload["summaries"]["recall"])],
        {"recall": [100 * (v["recall"] or 0.0) for v in [*recall.values(), *payload["summaries"]["recall"].values()]]},
        "recall (%)",
    )
    write_report(out, REPORT_NAME, payload, markdown(payload, [chart_systems.name, chart_recall.name]))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m eval.checks",
        description="Measure the output checks: false alarms on human translations, recall on injected errors, "
        "flagged vs unflagged chrF on 7 MT systems, and the summary checks on editors' headlines.",
    )
    parser.add_argument(
        "--data", "--data-root", dest="data_root", metavar="DIR", default=None,
        help=f"folder of the evaluation data sets (default: ${ENV_VAR} if set, else ../shared/data beside the checkout)",
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="report folder (default: reports/checks)")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N FLORES sentences, NTREX documents and ANT articles (quick runs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the error generator and the bootstrap")
    parser.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples (default 1000)")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.resamples < 1:
        parser.error("--resamples must be at least 1")
    root = data_root(args.data_root)
    needed = [root / FLORES101_SYSTEMS / "source.ar", root / FLORES101_SYSTEMS / "reference.en",
              root / FLORES101_SYSTEMS / "published_bleu.tsv", root / NTREX_DEV, root / ANT_DEV]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        parser.error(f"data file(s) not found: {', '.join(missing)}")
    args.root = root
    return args


def summary_lines(payload: dict) -> list[str]:
    """The headline figures, one a line, for the terminal."""
    lines = []
    for name, r in payload["false_alarms"].items():
        lines.append(f"false alarms {name}: number check {r['number_flagged']}/{r['sentences']} ({_pct(r['number_rate'])}), "
                     f"naive digits {_pct(r['naive_digit_rate'])}, any check {_pct(r['any_rate'])}")
    for kind, v in payload["recall"].items():
        lines.append(f"recall {kind}: {v['caught']}/{v['injected']} ({_pct(v['recall'])})")
    for name, s in payload["real_systems"]["systems"].items():
        lines.append(f"system {name}: flagged {_pct(s['flagged_rate'])}, " + _chrf_line(s))
    summ = payload["summaries"]
    lines.append(f"summaries: {summ['any_flagged']}/{summ['articles']} headlines flagged ({_pct(summ['any_rate'])}); "
                 + ", ".join(f"recall {k} {_pct(v['recall'])}" for k, v in summ["recall"].items()))
    lines += negation_summary_lines(payload["negation"]) if "negation" in payload else []
    lines += names_summary_lines(payload["names"]) if "names" in payload else []
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    payload = run_all(args.root, args.limit, args.seed, args.resamples)
    out = write_checks_report(args.out, payload)
    if args.json:
        print(json.dumps({**payload, "environment": environment()}, ensure_ascii=False, indent=2))
    else:
        print(f"settings: {json.dumps(payload['settings'], ensure_ascii=False)}")
        print("\n".join(summary_lines(payload)))
        print(f"\nreport: {out / (REPORT_NAME + '.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
