"""End-to-end benchmarks: translation quality (BLEU/chrF) and summary quality (Arabic ROUGE).

Both tasks run articles through the pipeline the way a user does (clean -> split -> summarise ->
translate), then score what comes out.

``--task translate`` (NTREX-128 dev, FLORES-200 devtest: ``{"id", "ar": [...], "en": [...]}``)
    Each document's gold Arabic sentences are joined into an article laid out in paragraphs (the
    split benchmark's ``build_article``, so the articles are the same), run through the pipeline's
    clean + split + translate path, and the English is scored at DOCUMENT level: the document's
    translation on one line against its English sentences joined on one line, so that splitting
    differently from the gold is not punished (BLEU and chrF count n-grams in the whole line). Next
    to it, the same translator on the GOLD split: each gold Arabic sentence translated alone and
    scored line by line against its English sentence (SENTENCE level, the usual MT set-up and the
    one the published FLORES figures use), and those sentence translations joined per document
    (document level, gold split: the difference from the first row is what our cleaning and
    splitting cost or gain). The report also counts the sentences our splitter found against gold.

``--task summarize`` (ANT headlines dev: ``{"id", "title", "text"}``)
    Each article (``text``) is summarised by every method: ``abstractive`` (mT5), ``extractive``
    (lead-biased LexRank, 1 sentence), ``lead-1`` and ``lead-2``, and the Arabic summary is scored with Arabic
    ROUGE (:func:`summarizer.rouge.score_pairs`, XL-Sum tokenisation, no stemming or normalisation)
    against the editors' headline (``title``). A headline is shorter and freer than an XL-Sum
    summary, so these figures are not comparable with the published XL-Sum ones. When the summary
    model cannot be loaded, ``abstractive`` is reported as unavailable, never replaced by the
    pipeline's extractive fallback.

Every report folder holds ``benchmark-<task>.json`` (every figure, model ids, settings, library
versions, machine, time per article), ``benchmark-<task>.md`` (the table printed at the end),
PNG charts and ``outputs.jsonl`` (what the system produced for each document).

Run ``python -m eval.benchmark --help``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eval.bleu import BleuResult, score_corpus
from eval.data import ANT_DEV, NTREX_DEV, add_data_root_option, data_path
from eval.report import bar_chart, cli_error, markdown_table, write_report
from eval.split import build_article, dataset_name, score_document
from summarizer.choices import (
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_TRANSLATION_MODEL,
    DEVICES,
    ENGINES,
    LONG_INPUT_MODES,
)
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING, DecodeSettings
from summarizer.errors import ModelLoadError
from summarizer.stages.split import split_sentences

if TYPE_CHECKING:
    from summarizer.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("translate", "summarize")
# Each task's default data set, relative to the data root (eval.data.data_root).
DEFAULT_DATA = {"translate": NTREX_DEV, "summarize": ANT_DEV}
DEFAULT_BEAMS = 4  # the published decoding of both default models
# label -> (Pipeline summary_method, summary_sentences)
SUMMARY_METHODS: dict[str, tuple[str, int]] = {
    "abstractive": ("abstractive", 1),
    "extractive": ("extractive", 1),
    "lead-1": ("lead", 1),
    "lead-2": ("lead", 2),
}
ROUGE_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
# Published figures of the real default models (../shared/reference/models.md).
PUBLISHED = {
    "translation": {
        "model": DEFAULT_TRANSLATION_MODEL,
        "data": "FLORES-101 devtest ar-en, sentence level, sacrebleu defaults",
        "bleu": 33.9,
        "chrf": 61.0,
    },
    "summary": {
        "model": DEFAULT_SUMMARY_MODEL,
        "data": "XL-Sum Arabic test (4,689 articles), XL-Sum multilingual ROUGE, F1 x100",
        "rouge1": 34.91,
        "rouge2": 14.79,
        "rougeL": 29.16,
    },
}
PROG = "python -m eval.benchmark"


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class ParallelDocument:
    """A gold document: Arabic sentences and their English sentences, aligned 1:1."""

    id: str
    ar: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class HeadlineArticle:
    """An article and the headline its editors wrote (the reference summary)."""

    id: str
    text: str
    title: str


def _jsonl(path: str | Path):
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_parallel(path: str | Path, limit: int | None = None) -> list[ParallelDocument]:
    """``{"id", "ar": [...], "en": [...]}`` lines; sentences are stripped (NTREX ends them with "\\r").

    A pair whose Arabic or English side is blank is left out on both sides, so the two stay aligned.
    """
    documents = []
    for record in _jsonl(path):
        ar, en = record["ar"], record["en"]
        if len(ar) != len(en):
            raise ValueError(f"document {record['id']}: {len(ar)} Arabic but {len(en)} English sentences")
        pairs = [(a.strip(), e.strip()) for a, e in zip(ar, en, strict=True) if a.strip() and e.strip()]
        if pairs:
            documents.append(
                ParallelDocument(str(record["id"]), tuple(a for a, _ in pairs), tuple(e for _, e in pairs))
            )
        if limit is not None and len(documents) >= limit:
            break
    return documents


def load_headlines(path: str | Path, limit: int | None = None) -> list[HeadlineArticle]:
    """``{"id", "title", "text"}`` lines with a non-blank title and text."""
    articles = []
    for record in _jsonl(path):
        title, text = (record.get("title") or "").strip(), record.get("text") or ""
        if title and text.strip():
            articles.append(HeadlineArticle(str(record["id"]), text, title))
        if limit is not None and len(articles) >= limit:
            break
    return articles


# ---------------------------------------------------------------------------------------------
# Scoring helpers


def join_document(sentences: Sequence[str]) -> str:
    """A document's sentences on one line (blank ones dropped): the unit of document-level scoring."""
    return " ".join(" ".join(s.split()) for s in sentences if s.strip())


def score_documents(
    hyp_docs: Sequence[Sequence[str] | str], ref_docs: Sequence[Sequence[str] | str]
) -> BleuResult:
    """BLEU/chrF/chrF++ with one segment per document: each side's sentences joined on one line.

    A document given as a string is taken as already joined. How the hypothesis was split into
    sentences does not matter, only its words in order.
    """
    if len(hyp_docs) != len(ref_docs):
        raise ValueError(f"{len(hyp_docs)} hypothesis documents but {len(ref_docs)} reference documents")

    def line(doc: Sequence[str] | str) -> str:
        return join_document([doc] if isinstance(doc, str) else doc)

    return score_corpus([line(d) for d in hyp_docs], [[line(d) for d in ref_docs]])


def _seconds(timings: Mapping[str, float]) -> float:
    return float(sum(timings.values()))


def _time_summary(per_item: Sequence[float]) -> dict:
    if not per_item:
        return {"total": 0.0, "mean": 0.0, "median": 0.0, "max": 0.0}
    return {
        "total": round(sum(per_item), 6),
        "mean": round(statistics.fmean(per_item), 6),
        "median": round(statistics.median(per_item), 6),
        "max": round(max(per_item), 6),
    }


class _Bar:
    """A tqdm bar that a ``(done, total)`` progress hook can drive."""

    def __init__(self, desc: str, total: int | None, enabled: bool, unit: str):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=desc, unit=unit, disable=not enabled, file=sys.stderr)

    def hook(self, done: int, total: int) -> None:
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


# ---------------------------------------------------------------------------------------------
# Translation


def run_translate(
    pipeline: Pipeline, documents: Sequence[ParallelDocument], *, seed: int = 0, progress: bool = False
) -> dict:
    """Score ``pipeline`` (a ``Pipeline`` with a translator) on gold documents; see the module docstring.

    Returns a JSON-ready dict: ``scores`` (``document_pipeline``, ``document_gold_split``,
    ``sentence_gold_split``: :class:`eval.bleu.BleuResult` dicts), ``sentences`` (our split vs
    gold), ``seconds_per_article``, ``per_document`` figures, ``failed`` and ``outputs`` (texts).
    """
    if pipeline.translator is None:
        raise ValueError("the pipeline has no translation model")
    if not documents:
        raise ValueError("no documents to score")

    # 1. As a user: the article, through clean + split + translate.
    articles = [build_article(doc.ar, f"{seed}:{doc.id}") for doc in documents]
    bar = _Bar("translate: articles", len(documents), progress, "article")
    results = []
    try:
        for result in pipeline.batch(
            [{"id": doc.id, "text": text} for doc, text in zip(documents, articles, strict=True)],
            summary_method="lead",
            progress=False,
        ):
            results.append(result)
            bar.update()
    finally:
        bar.close()

    # 2. The gold split: every gold sentence translated alone, in one batched call.
    flat_ar = [s for doc in documents for s in doc.ar]
    bar = _Bar("translate: gold sentences", len(flat_ar), progress, "sentence")
    started = time.perf_counter()
    try:
        flat_en = pipeline.translator.translate(flat_ar, bar.hook)
    finally:
        bar.close()
    gold_split_seconds = time.perf_counter() - started
    gold_split_docs: list[list[str]] = []
    offset = 0
    for doc in documents:
        gold_split_docs.append(flat_en[offset : offset + len(doc.ar)])
        offset += len(doc.ar)

    pipeline_docs = [[pair.en for pair in r.translation] if r.ok else [] for r in results]
    refs = [list(doc.en) for doc in documents]
    scores = {
        "document_pipeline": score_documents(pipeline_docs, refs).to_dict(),
        "document_gold_split": score_documents(gold_split_docs, refs).to_dict(),
        "sentence_gold_split": score_corpus(flat_en, [[s for doc in documents for s in doc.en]]).to_dict(),
    }

    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    per_document, outputs = [], []
    split_counts = None
    comparable = 0
    for doc, article, result, hyp, gold_hyp in zip(
        documents, articles, results, pipeline_docs, gold_split_docs, strict=True
    ):
        seconds = _seconds(result.timings)
        ref_line = join_document(doc.en)
        per_document.append(
            {
                "id": doc.id,
                "gold_sentences": len(doc.ar),
                "split_sentences": len(result.sentences),
                "seconds": round(seconds, 4),
                "chrf_document_pipeline": float(chrf.sentence_score(join_document(hyp), [ref_line]).score),
                "chrf_document_gold_split": float(
                    chrf.sentence_score(join_document(gold_hyp), [ref_line]).score
                ),
                "error": result.error,
            }
        )
        outputs.append(
            {
                "id": doc.id,
                "article": article,
                "sentences": result.sentences,
                "translation": hyp,
                "gold_split_translation": gold_hyp,
                "reference": list(doc.en),
                "error": result.error,
            }
        )
        if result.ok:
            # Boundary scores need the same characters on both sides: cleaning may have changed some.
            try:
                counts = score_document(doc.ar, result.sentences, article)
            except ValueError:
                continue
            comparable += 1
            if split_counts is None:
                split_counts = counts
            else:
                split_counts.add(counts)

    gold_n = sum(len(doc.ar) for doc in documents)
    found_n = sum(len(r.sentences) for r in results)
    ok_seconds = [_seconds(r.timings) for r in results if r.ok]
    return {
        "task": "translate",
        "documents": len(documents),
        "failed": [{"id": r.id, "error": r.error} for r in results if not r.ok],
        "scores": scores,
        "sentences": {
            "gold": gold_n,
            "split": found_n,
            "split_over_gold": found_n / gold_n if gold_n else 0.0,
            "documents_same_count": sum(
                1
                for doc, r in zip(documents, results, strict=True)
                if r.ok and len(r.sentences) == len(doc.ar)
            ),
            "boundary_documents": comparable,
            "boundary_precision": split_counts.precision if split_counts else None,
            "boundary_recall": split_counts.recall if split_counts else None,
            "boundary_f1": split_counts.f1 if split_counts else None,
        },
        "seconds_per_article": _time_summary(ok_seconds),
        "stage_seconds": {
            stage: round(sum(r.timings.get(stage, 0.0) for r in results), 4)
            for stage in ("clean", "split", "translate")
        },
        "gold_split_seconds": {
            "total": round(gold_split_seconds, 4),
            "per_sentence": round(gold_split_seconds / len(flat_ar), 4) if flat_ar else 0.0,
        },
        "per_document": per_document,
        "outputs": outputs,
    }


# ---------------------------------------------------------------------------------------------
# Summaries


def scoring_name(stem: str | None, normalize: bool) -> str:
    """``default``, or the options that change the tokens (``stem=snowball+normalize``)."""
    parts = []
    if stem and stem != "none":
        parts.append(f"stem={stem}")
    if normalize:
        parts.append("normalize")
    return "+".join(parts) or "default"


def scorings_for(stem: str | None, normalize: bool) -> list[dict]:
    """Always the default tokenisation (comparable with XL-Sum); plus the asked options, if any."""
    out = [{"name": "default", "stem": None, "normalize": False}]
    name = scoring_name(stem, normalize)
    if name != "default":
        out.append({"name": name, "stem": None if stem == "none" else stem, "normalize": normalize})
    return out


def _lsum_text(summary: str) -> str:
    """One sentence a line, for ROUGE-Lsum (the other variants ignore line breaks)."""
    return "\n".join(split_sentences(summary)) if summary.strip() else ""


def _unavailable_reason(pipeline: Pipeline) -> str:
    """The summary model's load error, as the loader raised it."""
    error = pipeline.load_errors.get("summary")
    return str(error) if error is not None else "no summary model was given"


def run_summarize(
    pipelines: Mapping[str, Pipeline],
    articles: Sequence[HeadlineArticle],
    *,
    scorings: Sequence[dict] = ({"name": "default", "stem": None, "normalize": False},),
    progress: bool = False,
    n_resamples: int = 1000,
) -> dict:
    """Summarise ``articles`` with each labelled pipeline and score against the headlines.

    ``pipelines`` maps a label ("abstractive", "lead-2"...) to a ``Pipeline`` built with that
    ``summary_method`` and ``summary_sentences`` (translation is not needed). An abstractive
    pipeline whose ``summarizer`` is None (the model did not load) is reported as unavailable with
    the reason, not scored with the fallback. An article the pipeline rejects scores as an empty
    summary and is listed in ``failed``.
    """
    from summarizer.rouge import score_pairs

    if not articles:
        raise ValueError("no articles to score")
    refs = [a.title for a in articles]
    methods: dict[str, dict] = {}
    outputs: list[dict] = [{"id": a.id, "title": a.title, "summaries": {}} for a in articles]
    failed: dict[str, str] = {}
    for label, pipeline in pipelines.items():
        requested = pipeline.options.summary_method
        if requested == "abstractive" and pipeline.summarizer is None:
            methods[label] = {"available": False, "reason": _unavailable_reason(pipeline), "model": None}
            continue
        bar = _Bar(f"summarize: {label}", len(articles), progress, "article")
        results = []
        try:
            for result in pipeline.batch([{"id": a.id, "text": a.text} for a in articles], progress=False):
                results.append(result)
                bar.update()
        finally:
            bar.close()
        hyps = [_lsum_text(r.summary_ar) if r.ok else "" for r in results]
        for result, out in zip(results, outputs, strict=True):
            out["summaries"][label] = result.summary_ar if result.ok else None
            if not result.ok:
                failed[result.id or ""] = result.error or ""
        produced = sorted({r.summary_method for r in results if r.ok})
        scores = {}
        for scoring in scorings:
            rouge = score_pairs(
                hyps, refs, stem=scoring["stem"], normalize=scoring["normalize"], n_resamples=n_resamples
            )
            scores[scoring["name"]] = rouge.to_dict()
            for metric, f1s in rouge.per_pair_f1.items():
                for out, f1 in zip(outputs, f1s, strict=True):
                    out.setdefault("f1", {}).setdefault(label, {}).setdefault(scoring["name"], {})[metric] = (
                        f1
                    )
        models = pipeline.models
        methods[label] = {
            "available": True,
            "produced_as": produced,
            "model": models["summary"] if requested == "abstractive" else None,
            "summary_sentences": pipeline.options.summary_sentences if requested != "abstractive" else None,
            "mean_summary_words": statistics.fmean(len(h.split()) for h in hyps),
            "mean_reference_words": statistics.fmean(len(r.split()) for r in refs),
            "seconds_per_article": _time_summary([_seconds(r.timings) for r in results if r.ok]),
            "scores": scores,
        }
    return {
        "task": "summarize",
        "articles": len(articles),
        "failed": [{"id": k, "error": v} for k, v in failed.items()],
        "scorings": [
            {
                **s,
                "signature": next(
                    (m["scores"][s["name"]]["signature"] for m in methods.values() if m.get("available")),
                    None,
                ),
            }
            for s in scorings
        ],
        "methods": methods,
        "outputs": outputs,
    }


# ---------------------------------------------------------------------------------------------
# Building the pipelines


def decodings(
    beams: int = DEFAULT_BEAMS, max_new_tokens: int | None = None
) -> tuple[DecodeSettings, DecodeSettings]:
    """(summary, translation) decoding: the published settings with ``beams`` (and a token cap)."""
    cap = {} if max_new_tokens is None else {"max_new_tokens": max_new_tokens}
    return SUMMARY_DECODING.but(num_beams=beams, **cap), TRANSLATION_DECODING.but(num_beams=beams, **cap)


def translate_pipeline(
    translation_model: str,
    *,
    engine: str = "auto",
    device: str = "cpu",
    beams: int = DEFAULT_BEAMS,
    max_new_tokens: int | None = None,
):
    """The pipeline a user runs, without a summary model (lead summaries cost nothing).

    Raises ``ModelLoadError`` when the translation model cannot be loaded.
    """
    from summarizer.pipeline import Pipeline

    _, translation = decodings(beams, max_new_tokens)
    return Pipeline(
        summary_model=None,
        translation_model=translation_model,
        summary_method="lead",
        summary_sentences=1,
        engine=engine,
        device=device,
        translation_decoding=translation,
    )


def summary_pipelines(
    summary_model: str,
    *,
    engine: str = "auto",
    device: str = "cpu",
    beams: int = DEFAULT_BEAMS,
    max_new_tokens: int | None = None,
    long_input: str = "lead",
    strict: bool = False,
) -> dict:
    """One pipeline per method of :data:`SUMMARY_METHODS`, without translation.

    ``strict``: raise ``ModelLoadError`` if the summary model cannot be loaded (an explicitly named
    model); otherwise the abstractive pipeline keeps ``summarizer=None`` and is reported unavailable.
    """
    from summarizer.loading import load_stages
    from summarizer.pipeline import Pipeline

    summary, _ = decodings(beams, max_new_tokens)
    stages = load_stages(summary_model, None, engine=engine, device=device, summary_decoding=summary)
    if strict and "summary" in stages.errors:
        raise stages.errors["summary"]
    pipelines = {}
    for label, (method, n) in SUMMARY_METHODS.items():
        abstractive = method == "abstractive"
        pipelines[label] = Pipeline.from_stages(
            stages.summarizer if abstractive else None,
            None,
            summary_method=method,
            summary_sentences=n,
            long_input=long_input,
            load_errors=stages.errors if abstractive else None,
        )
    return pipelines


# ---------------------------------------------------------------------------------------------
# Report


def translate_table(results: dict) -> str:
    s = results["scores"]
    rows = [
        ["document", "ours (clean + split)", s["document_pipeline"]],
        ["document", "gold", s["document_gold_split"]],
        ["sentence", "gold", s["sentence_gold_split"]],
    ]
    return markdown_table(
        ["level", "Arabic split", "segments", "BLEU", "chrF", "chrF++"],
        [[level, split, r["n_segments"], r["bleu"], r["chrf"], r["chrf_pp"]] for level, split, r in rows],
    )


def summarize_table(results: dict, scoring: str) -> str:
    rows = []
    for label, m in results["methods"].items():
        if not m["available"]:
            rows.append([label, "unavailable", "-", "-", "-", "-", "-", "-"])
            continue
        sc = m["scores"][scoring]["scores"]
        rows.append(
            [label, ", ".join(m["produced_as"]) or "-"]
            + [100 * sc[metric]["fmeasure"] for metric in ROUGE_METRICS]
            + [m["mean_summary_words"], 1000 * m["seconds_per_article"]["mean"]]
        )
    return markdown_table(
        ["method", "produced as", "ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-Lsum", "words", "ms/article"], rows
    )


def _models_line(models: dict) -> str:
    parts = []
    for role, info in models.items():
        if info is None:
            continue
        state = info.get("engine") if info.get("loaded", True) else "not loaded"
        parts.append(f"{role}: `{info['id']}` ({state})")
    return "Models: " + "; ".join(parts) + "."


def _settings_line(settings: dict, n: int, unit: str) -> str:
    return (
        f"Data: `{settings['dataset']}`, {n} {unit}{'' if settings['limit'] else ' (all)'}; beams "
        f"{settings['beams']}; max new tokens {settings['max_new_tokens'] or 'published'}; engine "
        f"{settings['engine']}; device {settings['device']}."
    )


def translate_markdown(payload: dict, chart: str | None) -> str:
    r, settings = payload["results"], payload["settings"]
    sent = r["sentences"]
    f1 = sent["boundary_f1"]
    pub = PUBLISHED["translation"]
    parts = [
        "# Translation benchmark: BLEU / chrF / chrF++ (sacrebleu defaults)",
        _models_line(payload["models"]) + " " + _settings_line(settings, r["documents"], "documents"),
        translate_table(r),
        (
            f"Sentences: our splitter found {sent['split']} where the gold has {sent['gold']} "
            f"({sent['documents_same_count']} of {r['documents']} documents with the same count"
            + (f"; boundary F1 {f1:.3f} on {sent['boundary_documents']} documents" if f1 is not None else "")
            + f"). Time per article (clean + split + translate): mean {r['seconds_per_article']['mean']:.2f} s, "
            f"median {r['seconds_per_article']['median']:.2f} s."
            + (f" Failed articles: {len(r['failed'])}." if r["failed"] else "")
        ),
        "Document level: each document's English on one line, hypothesis likewise, so a split "
        "different from the gold costs nothing. Sentence level: the gold Arabic sentences translated "
        "one a line and scored line by line.",
        f"Signatures: BLEU `{r['scores']['sentence_gold_split']['bleu_signature']}`; "
        f"chrF `{r['scores']['sentence_gold_split']['chrf_signature']}`; "
        f"chrF++ `{r['scores']['sentence_gold_split']['chrf_pp_signature']}`.",
        f"Published figure of the real `{pub['model']}`: BLEU {pub['bleu']} / chrF {pub['chrf']} on {pub['data']} "
        "(another data set: compare only the sentence-level row of a FLORES run with it).",
    ]
    if chart:
        parts.append(f"![scores]({chart})")
    return "\n\n".join(parts)


def summarize_markdown(payload: dict, charts: Mapping[str, str]) -> str:
    r = payload["results"]
    pub = PUBLISHED["summary"]
    parts = [
        "# Summary benchmark: Arabic ROUGE F1 (x100) against the editors' headlines",
        _models_line(payload["models"])
        + " "
        + _settings_line(payload["settings"], r["articles"], "articles"),
    ]
    for scoring in r["scorings"]:
        parts.append(f"## Tokenisation: {scoring['name']}")
        parts.append(summarize_table(r, scoring["name"]))
        if scoring.get("signature"):
            parts.append(f"Signature: `{scoring['signature']}`")
        if scoring["name"] in charts:
            parts.append(f"![ROUGE {scoring['name']}]({charts[scoring['name']]})")
    for label, m in r["methods"].items():
        if not m["available"]:
            parts.append(f"`{label}` is unavailable: {m['reason']}")
    if r["failed"]:
        parts.append(
            f"{len(r['failed'])} article(s) were rejected by the pipeline and scored as empty summaries."
        )
    parts.append(
        "extractive = lead-biased LexRank, 1 sentence; lead-N = the first N sentences; ms/article = clean + split + "
        "summarise; words = mean words per summary "
        "(the headlines average "
        + next((f"{m['mean_reference_words']:.1f}" for m in r["methods"].values() if m["available"]), "-")
        + "). A headline is not an XL-Sum summary: these figures do not compare with the published "
        f"`{pub['model']}` ROUGE-1/2/L {pub['rouge1']}/{pub['rouge2']}/{pub['rougeL']} on {pub['data']}."
    )
    return "\n\n".join(parts)


def write_benchmark_report(out: str | Path, payload: dict) -> tuple[Path, str]:
    """Write the report folder; returns it and the Markdown. ``payload['results']['outputs']`` goes
    to ``outputs.jsonl``, everything else to the JSON."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    task = payload["task"]
    name = f"benchmark-{task}"
    results = dict(payload["results"])
    outputs = results.pop("outputs", [])
    payload = {**payload, "results": results}
    with (out / "outputs.jsonl").open("w", encoding="utf-8") as handle:
        for row in outputs:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if task == "translate":
        chart = f"{name}_scores.png"
        s = results["scores"]
        keys = {
            "document, our split": "document_pipeline",
            "document, gold split": "document_gold_split",
            "sentence, gold split": "sentence_gold_split",
        }
        bar_chart(
            out / chart,
            f"Translation ({payload['settings']['dataset']})",
            ["BLEU", "chrF", "chrF++"],
            {label: [s[k]["bleu"], s[k]["chrf"], s[k]["chrf_pp"]] for label, k in keys.items()},
            "score (0-100)",
        )
        markdown = translate_markdown(payload, chart)
    else:
        charts = {}
        available = {k: m for k, m in results["methods"].items() if m["available"]}
        if available:
            for scoring in results["scorings"]:
                chart = f"{name}_rouge_{scoring['name'].replace('=', '-').replace('+', '_')}.png"
                bar_chart(
                    out / chart,
                    f"ROUGE F1 vs headlines ({scoring['name']})",
                    list(available),
                    {
                        metric: [
                            100 * m["scores"][scoring["name"]]["scores"][metric]["fmeasure"]
                            for m in available.values()
                        ]
                        for metric in ROUGE_METRICS
                    },
                    "F1 x100",
                )
                charts[scoring["name"]] = chart
        markdown = summarize_markdown(payload, charts)
    write_report(out, name, payload, markdown)
    return out, markdown


# ---------------------------------------------------------------------------------------------
# CLI


def default_data(task: str, root: str | Path | None = None) -> Path:
    """The data set ``task`` reads unless ``--data`` names one: under :func:`eval.data.data_root` ``(root)``."""
    return data_path(DEFAULT_DATA[task], root)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="End-to-end benchmarks through the pipeline: translation (BLEU/chrF/chrF++, document and "
        "sentence level) on NTREX-128 or FLORES-200, and summaries (Arabic ROUGE against headlines, "
        "abstractive / extractive / lead-1 / lead-2) on ANT.",
    )
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument(
        "--data",
        default=None,
        help="JSONL file (default, under the data root: ntrex128/dev.jsonl for translate, "
        "ant-headlines/dev.jsonl for summarize; flores200/devtest.jsonl also works for translate)",
    )
    add_data_root_option(parser)
    parser.add_argument(
        "--summary-model",
        default=None,
        help=f"hub id or local folder (default: {DEFAULT_SUMMARY_MODEL}). If the default cannot be loaded, "
        "abstractive is reported as unavailable; a model named here that cannot be loaded is an error",
    )
    parser.add_argument(
        "--translation-model",
        default=DEFAULT_TRANSLATION_MODEL,
        help="hub id or local folder (default: %(default)s); the summarize task scores Arabic summaries "
        "and does not load it",
    )
    parser.add_argument("--engine", default="auto", choices=list(ENGINES), help="inference engine (default: auto)")
    parser.add_argument("--device", default="cpu", choices=DEVICES, help="default: cpu")
    parser.add_argument("--limit", type=_positive, default=None, help="only the first N documents / articles")
    parser.add_argument(
        "--beams",
        type=_positive,
        default=DEFAULT_BEAMS,
        help="beam size for both models (default: the published 4)",
    )
    parser.add_argument(
        "--max-new-tokens",
        type=_positive,
        default=None,
        help="cap on generated tokens (default: the published 512 for translation, 84 for summaries); "
        "for quick runs only, it changes the figures",
    )
    parser.add_argument(
        "--long-input",
        default="lead",
        choices=list(LONG_INPUT_MODES),
        help="how mT5 reads articles over 512 tokens (default: lead, as XL-Sum was evaluated)",
    )
    parser.add_argument(
        "--stem",
        nargs="?",
        const="snowball",
        default="none",
        choices=("none", "snowball", "isri"),
        help="summarize: also report ROUGE with stemming (bare --stem: snowball)",
    )
    parser.add_argument(
        "--normalize", action="store_true", help="summarize: also report ROUGE with Arabic normalisation"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="translate: seed of the paragraph layout (default: 0)"
    )
    parser.add_argument("--out", default=None, help="report folder (default: reports/benchmark-<task>)")
    parser.add_argument("--json", action="store_true", help="print the report's JSON instead of the table")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    args.data = args.data or str(default_data(args.task, args.data_root))
    if not Path(args.data).is_file():
        parser.error(f"data file not found: {args.data}")
    args.out = args.out or str(Path("reports") / f"benchmark-{args.task}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = not args.no_progress
    summary_decoding, translation_decoding = decodings(args.beams, args.max_new_tokens)
    settings = {
        "task": args.task,
        "data": str(Path(args.data).resolve()),
        "dataset": dataset_name(args.data),
        "limit": args.limit,
        "beams": args.beams,
        "max_new_tokens": args.max_new_tokens,
        "engine": args.engine,
        "device": args.device,
        "seed": args.seed,
    }
    started = time.perf_counter()
    try:
        if args.task == "translate":
            documents = load_parallel(args.data, args.limit)
            if not documents:
                return cli_error(PROG, f"no documents in {args.data}")
            pipeline = translate_pipeline(
                args.translation_model,
                engine=args.engine,
                device=args.device,
                beams=args.beams,
                max_new_tokens=args.max_new_tokens,
            )
            settings.update(
                translation_decoding=asdict(translation_decoding),
                article_layout="eval.split.build_article (paragraphs of 1-4 sentences), seed '<seed>:<id>'",
            )
            results = run_translate(pipeline, documents, seed=args.seed, progress=progress)
            models = {"translation": pipeline.models["translation"]}
        else:
            articles = load_headlines(args.data, args.limit)
            if not articles:
                return cli_error(PROG, f"no articles in {args.data}")
            summary_model = args.summary_model or DEFAULT_SUMMARY_MODEL
            pipelines = summary_pipelines(
                summary_model,
                engine=args.engine,
                device=args.device,
                beams=args.beams,
                max_new_tokens=args.max_new_tokens,
                long_input=args.long_input,
                strict=args.summary_model is not None,
            )
            abstractive = pipelines["abstractive"]
            if abstractive.summarizer is None:
                print(
                    f"{PROG}: warning: abstractive is unavailable: {_unavailable_reason(abstractive)}",
                    file=sys.stderr,
                )
            settings.update(
                summary_decoding=asdict(summary_decoding),
                long_input=args.long_input,
                methods={
                    k: {"summary_method": m, "summary_sentences": n} for k, (m, n) in SUMMARY_METHODS.items()
                },
                reference="title",
                stem=args.stem,
                normalize=args.normalize,
            )
            results = run_summarize(
                pipelines, articles, scorings=scorings_for(args.stem, args.normalize), progress=progress
            )
            loaded = abstractive.models["summary"]
            models = {
                "summary": loaded or {"id": summary_model, "engine": None, "loaded": False},
                "translation": None,
            }
    except ModelLoadError as exc:
        return cli_error(PROG, str(exc))
    settings["wall_seconds"] = round(time.perf_counter() - started, 3)
    payload = {
        "task": args.task,
        "models": models,
        "settings": settings,
        "published": PUBLISHED,
        "results": results,
    }
    out, markdown = write_benchmark_report(args.out, payload)
    if args.json:
        print((out / f"benchmark-{args.task}.json").read_text(encoding="utf-8"), end="")
    else:
        print(markdown_table_only(markdown))
        print(f"\nreport: {out / f'benchmark-{args.task}.md'}", file=sys.stderr)
    return 0


def markdown_table_only(markdown: str) -> str:
    """The report's Markdown without image links (they mean nothing on a terminal)."""
    return "\n\n".join(block for block in markdown.split("\n\n") if not block.startswith("!["))


if __name__ == "__main__":
    raise SystemExit(main())
