"""Speed benchmark on shape-true models: naive transformers vs the pipeline on each engine.

``python -m eval.speed`` builds (once, cached) random-weight stand-ins with exactly the published
shapes of the default models, Helsinki-NLP/opus-mt-tc-big-ar-en (``best``; ``--translation-choice fast``:
Helsinki-NLP/opus-mt-ar-en) and csebuetnlp/mT5_multilingual_XLSum (eval/standins.py),
exports them to CTranslate2 (float32 and int8, cached too), and times, in ONE process, on the
seed articles (clean + split as the pipeline does), with equal beams and forced equal output lengths:

1. ``naive``: the transformers engine, one sentence per ``generate`` call, in article order
   (what a first script does); the summary is one ``generate`` call per article.
2. ``transformers``: the pipeline with the transformers engine (length-sorted batches).
3. ``ct2-float32``: the pipeline with CTranslate2, float32.
4. ``ct2-int8``: the pipeline with CTranslate2, int8 weights, whole vocabulary (``--vocab-restriction off``).
5. ``ct2-int8-vocab``: the same with the target vocabularies trimmed to the output languages (the
   default: engines/vocabulary.py); exported once like the others.
6. ``fast-int8-vocab``: (5) with the ``fast`` translation model (the previous default), so that the
   default's price is measured in the same run (left out with ``--translation-choice fast``).

``--variants`` runs a subset (e.g. ``transformers ct2-int8-vocab fast-int8-vocab``: what the default is
judged by, (5) against (2) and (6)); ``--no-throughput`` skips the ``pipeline.batch`` pass.

The peer (``--argos``, on by default): Argos Translate, LibreTranslate's engine, with an Argos package
built from the same stand-in (:func:`build_argos_package`: the int8 CTranslate2 export, its SentencePiece
model, ``metadata.json``, spaCy's blank Arabic pipeline as its sentence splitter), installed in a temporary
``ARGOS_PACKAGES_DIR``, translating the same articles beside our translation of them with the same model,
taking turns article by article, outputs forced to the same length: Arabic words and output tokens per
second. Argos runs offline this way only: its default sentence splitters (MiniSBD, Stanza) download an
Arabic model on first use.

Random weights decode arbitrary lengths, so every engine is forced to decode the same number of
tokens (``min_new_tokens = max_new_tokens``): N_t per translated sentence, N_s per summary. Target
tokens are counted as N x number of inputs; tokens/s therefore does not depend on the stand-in
tokenizer (only the input lengths do). A warm-up call per engine and stage checks that the forced
lengths hold (output tokens, EOS excluded, are the same for every engine).

Measured:
- per article (``pipeline(text)`` for each article; the variants take turns, rotating the order
  article by article, so that a burst of load from other processes hits all of them): seconds
  end to end (median, max) and the time in the summary and translation stages;
- throughput (``pipeline.batch(all articles)``, variants in turn): target tokens/s for
  translation (article sentences and summary sentences) and for the summary;
- model load time (both models, per engine; files in the page cache);
- resident memory with both models loaded, and its peak over one article, in a fresh
  subprocess per engine (so that engines do not mix), before any timing runs.

The naive baseline is the slowest part: ``--naive-articles`` (default 2) limits it to the first K
articles; its figures and every ratio to it are then computed on those articles only (the report
says so). What-ifs (``--what-if-summary-beams``, default 2 and 1) run the int8 engines with fewer
summary beams in the same per-article rotation; they are reported apart, as they change the output.

``OMP_WAIT_POLICY`` is PASSIVE by default (``--omp-wait-policy``): with the OpenMP default, threads
spin at every barrier, so another process busy on a core slows PyTorch down and the run would measure
the neighbours rather than the engines.

Reports hold only what the run measured (and fixed facts of the method); the data root
(``--data-root``, see eval/data.py) is where Opus-MT's FLORES-101 outputs and the stand-ins'
tokenizer corpus are read.

Writes ``speed.json`` (every figure, settings, library versions, machine), ``speed.md`` (tables,
notes) and charts ``speed.png`` (speed-ups over the naive baseline) and
``speed-seconds.png`` (seconds per article). ``--tiny`` uses the tiny test models of eval/models.py (CI, seconds).

``--choices fast best nllb-600m`` measures the named translation choices instead (summarizer/choices.py:
Opus-MT ar-en, Opus-MT tc-big ar-en, NLLB-200 distilled 600M): shape-true stand-ins of each (eval/standins.py),
exported to CTranslate2 int8 (the default engine), the pipeline's translation of each seed article
(clean, split, every sentence translated with 4 beams and the same forced N_t; no summary model:
its cost does not depend on the choice and is in the main report), the choices taking turns article by
article; peak memory in a fresh process per choice. Writes ``speed-choices.json`` / ``.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.data import FLORES101_SYSTEMS, add_data_root_option, data_path, data_root
from eval.report import bar_chart, markdown_table, write_report
from eval.standins import DEFAULT_CACHE, SEEDS, ensure_choice_standins, ensure_standins, read_info
from summarizer.choices import BATCH_LIMITS, DEFAULT_TRANSLATION_CHOICE

ROOT = Path(__file__).resolve().parents[1]
REPORT_NAME = "speed"
CPU_TRANSLATION_BATCH, CPU_SUMMARY_BATCH = BATCH_LIMITS["cpu"]["translation"][0], BATCH_LIMITS["cpu"]["summary"][0]
# The memory probe's article: its first 16 sentences, two of the pipeline's translation batches on the CPU,
# which its two threads may translate at the same time (the peak of both is what is measured).
PROBE_SENTENCES = 16
VARIANTS = ("naive", "transformers", "ct2-float32", "ct2-int8", "ct2-int8-vocab", "fast-int8-vocab")
LABELS = {
    "naive": "(1) naive transformers, 1 sentence/call",
    "transformers": "(2) pipeline, transformers",
    "ct2-float32": "(3) pipeline, CTranslate2 float32",
    "ct2-int8": "(4) pipeline, CTranslate2 int8",
    "ct2-int8-vocab": "(5) pipeline, CTranslate2 int8 + vocabulary restriction",
    "fast-int8-vocab": "(6) as (5), translation by `fast` (Opus-MT ar-en, the previous default)",
}
# variant -> (engine, quantization) as the pipeline and load_engine take them
ENGINE_OF = {
    "naive": ("transformers", None),
    "transformers": ("transformers", None),
    "ct2-float32": ("ctranslate2", "float32"),
    "ct2-int8": ("ctranslate2", "int8"),
    "ct2-int8-vocab": ("ctranslate2", "int8"),
    "fast-int8-vocab": ("ctranslate2", "int8"),
}
# variant -> which folder of prepare_models() it loads
MODEL_KEY = {"naive": "hf", "transformers": "hf", "ct2-float32": "float32", "ct2-int8": "int8",
             "ct2-int8-vocab": "int8-vocab", "fast-int8-vocab": "int8-vocab"}
# variant -> which translation model it loads ("marian": the one measured, --translation-choice; "fast": the
# `fast` choice, beside it for comparison)
TRANSLATION_KIND = {"fast-int8-vocab": "fast"}
RESTRICTED = {"marian": "en", "mt5": "ar"}  # output language of each model's restricted export
DEFAULT_VARIANT = "ct2-int8-vocab"  # what a user gets by default
PIPELINE_VARIANTS = VARIANTS[1:]
MEMORY_ENGINES = ("transformers", "ct2-float32", "ct2-int8", "ct2-int8-vocab", "fast-int8-vocab")  # (1) loads (2)'s
ENGLISH_TOKENS_PER_WORD = 1.3  # assumed subword tokens per English word, to size the forced N_t
MB = 1e6


# -- timing proxies --------------------------------------------------------------------------
class StageTimer:
    """Counts what one stage sends to its engine: calls, inputs, and the seconds during which at least one
    of its calls ran (two threads translate at once: their calls' wall time, not its sum)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._since = 0.0
        self.reset()

    def reset(self) -> None:
        self.calls, self.inputs, self.seconds = 0, 0, 0.0

    def snapshot(self) -> dict:
        return {"calls": self.calls, "inputs": self.inputs, "seconds": self.seconds}

    def started(self) -> None:
        with self._lock:
            if self._running == 0:
                self._since = time.perf_counter()
            self._running += 1

    def ended(self, inputs: int) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                self.seconds += time.perf_counter() - self._since
            self.calls += 1
            self.inputs += inputs


class TimedEngine:
    """A ``Seq2SeqEngine`` that forwards to another one and times its ``generate`` calls."""

    def __init__(self, engine, timer: StageTimer):
        self.inner = engine
        self.timer = timer
        self.model_id = engine.model_id
        self.engine = engine.engine
        self.max_input_tokens = engine.max_input_tokens
        self.vocab_restriction = getattr(engine, "vocab_restriction", None)
        self.shares_cores = getattr(engine, "shares_cores", False)
        self.workers = getattr(engine, "workers", 1)

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def generate(self, texts, settings):
        return self._timed(self.inner.generate, texts, settings)

    def generate_scored(self, texts, settings):
        """What the translation stage calls: the texts with their scores, as a user's pipeline runs it."""
        return self._timed(self.inner.generate_scored, texts, settings)

    def _timed(self, call, texts, settings):
        self.timer.started()
        try:
            return call(texts, settings)
        finally:
            self.timer.ended(len(texts))


@dataclass
class Variant:
    name: str
    summary_engine: object
    translation_engine: object
    load_seconds: float
    decoding: dict
    base: str = ""  # the main variant whose engines it runs (what-ifs share them)
    label: str = ""
    pipeline: object = None
    summary_timer: StageTimer = field(default_factory=StageTimer)
    translation_timer: StageTimer = field(default_factory=StageTimer)
    per_article: list[dict] = field(default_factory=list)
    throughput: dict | None = None


# -- forced lengths ------------------------------------------------------------------------
@contextlib.contextmanager
def _recording(engine):
    """Record the raw outputs of ``engine``'s backend (transformers ``generate`` / CT2 ``translate_batch``)."""
    attr, method = ("translator", "translate_batch") if hasattr(engine, "translator") else ("model", "generate")
    inner = getattr(engine, attr)
    records: list = []

    class Proxy:
        def __getattr__(self, name):
            return getattr(inner, name)

    def call(*args, **kwargs):
        out = getattr(inner, method)(*args, **kwargs)
        records.append(out)
        return out

    proxy = Proxy()
    setattr(proxy, method, call)
    setattr(engine, attr, proxy)
    try:
        yield records
    finally:
        setattr(engine, attr, inner)


def output_token_counts(engine, texts: list[str], settings) -> list[int]:
    """Tokens each output holds (EOS and padding excluded), engine by engine.

    MarianMT forces EOS as the last of ``max_new_tokens`` in transformers, which CTranslate2
    leaves out (see the CTranslate2 engine): both hold ``max_new_tokens - 1`` real tokens then.
    """
    with _recording(engine) as records:
        engine.generate(texts, settings)
    counts: list[int] = []
    tokenizer = engine.tokenizer
    if hasattr(engine, "translator"):
        special = {tokenizer.pad_token, tokenizer.eos_token}
        for batch in records:
            counts += [sum(1 for t in result.hypotheses[0] if t not in special) for result in batch]
    else:
        special = {tokenizer.pad_token_id, tokenizer.eos_token_id}
        decoder_start = engine.model.generation_config.decoder_start_token_id
        for batch in records:
            for row in batch.tolist():
                row = row[1:] if row and row[0] == decoder_start else row
                counts.append(sum(1 for t in row if t not in special))
    return counts


def expected_output_tokens(engine, settings) -> int:
    forced_eos = getattr(getattr(engine, "rules", None), "forced_eos", None)
    if forced_eos is None:  # transformers engine: read the generation config
        forced_eos = getattr(engine.model.generation_config, "forced_eos_token_id", None) is not None
    return settings.max_new_tokens - (1 if forced_eos else 0)


# -- models --------------------------------------------------------------------------------
def prepare_models(cache: Path, tiny: bool, log, data_root: str | Path | None = None, *,
                   translation_choice: str = "fast", variants=VARIANTS) -> dict[str, dict]:
    """HF folders and CTranslate2 exports of both models: {"marian": {"hf": ..., "float32": ..., "int8": ...}, ...}.

    ``translation_choice``: the named translation model measured ("marian": both default choices are
    MarianMT); when it is not ``fast`` and (6) is among ``variants``, ``fast``'s restricted export is
    prepared too, under "fast". ``data_root``: where the stand-ins' tokenizer corpus (NTREX-128 dev) is
    looked for.
    """
    if tiny:
        from eval.models import build_tiny_marian, build_tiny_marian_big, build_tiny_mt5

        builders = {"marian": ("choice-best", build_tiny_marian_big) if translation_choice == "best"
                    else ("marian", build_tiny_marian), "mt5": ("mt5", build_tiny_mt5), "fast": ("marian", build_tiny_marian)}
        folders = {}
        for kind, (name, build) in builders.items():
            folder = cache / "tiny" / name
            if not (folder / "model.safetensors").is_file():
                build(folder)
            folders[kind] = folder
    else:
        folders = ensure_standins(cache, log=log, data_root=data_root)
        folders["fast"] = folders["marian"]
        if translation_choice != "fast":
            folders["marian"] = ensure_choice_standins([translation_choice], cache, log=log,
                                                       data_root=data_root)[translation_choice]
    if translation_choice == "fast" or "fast-int8-vocab" not in variants:
        folders.pop("fast")
    models = {}
    ct2_cache = cache / ("tiny" if tiny else "") / "ct2"
    needed = {MODEL_KEY[name] for name in variants}
    for kind, folder in folders.items():
        language = RESTRICTED.get(kind, RESTRICTED["marian"])  # "fast": a translation model too
        models[kind] = {"hf": folder, "int8-vocab": _export(folder, "int8", ct2_cache, log, restriction=language)}
        for quantization in ("float32", "int8"):  # int8: (4), and the Argos package's model
            if kind != "fast" and (quantization in needed or quantization == "int8"):
                models[kind][quantization] = _export(folder, quantization, ct2_cache, log)
    return models


def _export(folder: Path, quantization: str, ct2_cache: Path, log, restriction: str | None = None) -> Path:
    """The CTranslate2 export of ``folder`` (converted once; redone when the source is newer);
    ``restriction``: the output language its target vocabulary is trimmed to."""
    from summarizer.engines.export import EXPORT_INFO, convert_model

    out = ct2_cache / (f"{folder.name}-{quantization}" + (f"-vocab-{restriction}" if restriction else ""))
    weights = [p for p in folder.iterdir() if p.suffix in (".safetensors", ".bin")]
    source_time = max(p.stat().st_mtime for p in weights)
    if (out / EXPORT_INFO).is_file() and (out / EXPORT_INFO).stat().st_mtime >= source_time:
        return out
    log(f"exporting {folder} to CTranslate2 {quantization} in {out} (once)...")
    return convert_model(str(folder), out, quantization=quantization, force=True, vocab_restriction=restriction)


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).iterdir() if p.is_file()) / MB


def load_variant(name: str, models: dict, decoding: dict, batch_sizes: dict, *, base: str | None = None,
                 label: str | None = None) -> Variant:
    from summarizer.engines.loader import load_engine
    from summarizer.pipeline import Pipeline
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.translate import Translator

    base = base or name
    engine, quantization = ENGINE_OF[base]
    key = MODEL_KEY[base]
    summary_model, translation_model = str(models["mt5"][key]), str(models[TRANSLATION_KIND.get(base, "marian")][key])
    started = time.perf_counter()
    summary = load_engine(summary_model, role="summary", engine=engine, quantization=quantization)
    translation = load_engine(translation_model, role="translation", engine=engine, quantization=quantization)
    load_seconds = time.perf_counter() - started
    variant = Variant(name, summary, translation, load_seconds, decoding, base, label or LABELS[name])
    if base in PIPELINE_VARIANTS:
        # The pipeline a user gets, its stages built over timed engines: time what each stage sends.
        variant.pipeline = Pipeline.from_stages(
            AbstractiveSummarizer(TimedEngine(summary, variant.summary_timer), decoding=decoding["summary"],
                                  batch_size=batch_sizes["summary"]),
            Translator(TimedEngine(translation, variant.translation_timer), decoding=decoding["translation"],
                       batch_size=batch_sizes["translation"]),
        )
    return variant


# -- runs ----------------------------------------------------------------------------------
def article_sentences(text: str) -> list[str]:
    from summarizer.stages.clean import clean_article
    from summarizer.stages.split import split_sentences

    return split_sentences(clean_article(text).text)


def seed_articles(count: int, limit_sentences: int | None = None) -> list[str]:
    """The first ``count`` seed articles, each cut to its first ``limit_sentences`` sentences if given."""
    texts = []
    for path in SEEDS[:count]:
        text = path.read_text(encoding="utf-8")
        if limit_sentences:
            text = " ".join(article_sentences(text)[:limit_sentences])
        texts.append(text)
    return texts


def run_naive(variant: Variant, text: str, decoding: dict) -> dict:
    """What a first script does: summary in one call, then each sentence in its own call."""
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.split import split_sentences

    started = time.perf_counter()
    sentences = article_sentences(text)
    lead, _ = AbstractiveSummarizer(variant.summary_engine).lead_input(sentences)
    t0 = time.perf_counter()
    summary = variant.summary_engine.generate([lead], decoding["summary"])[0]
    summary_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    inputs = [s for s in sentences if s.strip()] + split_sentences(summary)
    for sentence in inputs:
        variant.translation_engine.generate([sentence], decoding["translation"])
    translation_seconds = time.perf_counter() - t0
    return {
        "seconds": time.perf_counter() - started,
        "summary": {"calls": 1, "inputs": 1, "seconds": summary_seconds},
        "translation": {"calls": len(inputs), "inputs": len(inputs), "seconds": translation_seconds},
    }


def run_pipeline_article(variant: Variant, text: str) -> dict:
    variant.summary_timer.reset()
    variant.translation_timer.reset()
    started = time.perf_counter()
    variant.pipeline(text)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "summary": variant.summary_timer.snapshot(),
        "translation": variant.translation_timer.snapshot(),
    }


def run_pipeline_batch(variant: Variant, texts: list[str]) -> dict:
    variant.summary_timer.reset()
    variant.translation_timer.reset()
    started = time.perf_counter()
    results = list(variant.pipeline.batch(texts, group_size=len(texts), progress=False))
    seconds = time.perf_counter() - started
    errors = [r.error for r in results if r.error]
    if errors:
        raise RuntimeError(f"{variant.name}: the pipeline failed on an article: {errors[0]}")
    return {
        "articles": len(texts),
        "seconds": seconds,
        "summary": variant.summary_timer.snapshot(),
        "translation": variant.translation_timer.snapshot(),
    }


def tokens_per_second(stage: dict, tokens_per_input: int) -> float:
    return stage["inputs"] * tokens_per_input / stage["seconds"] if stage["seconds"] > 0 else 0.0


def warm_up_and_check(variant: Variant, sentences: list[str], decoding: dict) -> dict:
    """One call per stage before timing (first-call costs), checking the forced output lengths."""
    check = {}
    for stage, engine, texts in (
        ("translation", variant.translation_engine, sentences[:2]),
        ("summary", variant.summary_engine, sentences[:1]),
    ):
        counts = output_token_counts(engine, texts, decoding[stage])
        expected = expected_output_tokens(engine, decoding[stage])
        check[stage] = {"output_tokens": counts, "expected": expected, "ok": all(c == expected for c in counts)}
    return check


# -- memory (subprocess per engine) --------------------------------------------------------
def rss_bytes() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def peak_rss_bytes() -> int:
    """This process's own resident high-water mark: ``VmHWM`` in /proc/self/status (Linux).

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries the parent's resident size across
    fork + exec into it, so a probe started from a 4 GB parent reported 4 GB whatever it loaded.
    Falls back to the current RSS where /proc is missing (the probe's figure is then a lower bound).
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    return rss_bytes()


def probe_memory(spec: dict) -> dict:
    """Run in a fresh process: load both models of one engine, then run one article.

    Only what the pipeline itself imports is loaded, as in a user's process: the transformers
    engine brings torch in, the CTranslate2 engine should not (its tokenizers are loaded without
    transformers' torch-importing configuration code); ``torch_imported`` records whether it did.
    """
    started_rss = rss_bytes()
    from summarizer.engines.base import DecodeSettings
    from summarizer.pipeline import Pipeline

    baseline = rss_bytes()
    started = time.perf_counter()
    pipeline = Pipeline(
        spec["summary_model"], spec["translation_model"], engine=spec["engine"], quantization=spec["quantization"],
        summary_method=spec.get("summary_method", "abstractive"), summary_decoding=DecodeSettings(**spec["summary_decoding"]),
        translation_decoding=DecodeSettings(**spec["translation_decoding"]),
        translation_batch_size=spec["translation_batch_size"], summary_batch_size=spec["summary_batch_size"],
    )
    load_seconds = time.perf_counter() - started
    loaded = rss_bytes()
    pipeline(spec["text"])
    return {
        "python_rss_mb": started_rss / MB,
        "imports_rss_mb": baseline / MB,
        "loaded_rss_mb": loaded / MB,
        "peak_rss_mb": max(peak_rss_bytes(), rss_bytes()) / MB,
        "load_seconds": load_seconds,
        "torch_imported": "torch" in sys.modules,
    }


def measure_memory(name: str, models: dict, decoding: dict, batch_sizes: dict, text: str) -> dict:
    engine, quantization = ENGINE_OF[name]
    key = MODEL_KEY[name]
    spec = {
        "summary_model": str(models["mt5"][key]), "translation_model": str(models[TRANSLATION_KIND.get(name, "marian")][key]),
        "engine": engine, "quantization": quantization,
        "summary_decoding": asdict(decoding["summary"]), "translation_decoding": asdict(decoding["translation"]),
        "translation_batch_size": batch_sizes["translation"], "summary_batch_size": batch_sizes["summary"],
        "text": text,
    }
    return _probe_in_subprocess(name, spec)


def _probe_in_subprocess(name: str, spec: dict) -> dict:
    """``probe_memory(spec)`` in a fresh Python process (so that models measured apart do not mix)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "eval.speed", "--probe-memory", json.dumps(spec, ensure_ascii=False)],
        capture_output=True, text=True, env=env, cwd=str(ROOT), check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory probe for {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the benchmark -------------------------------------------------------------------------
def _rotated(items: list, shift: int) -> list:
    shift %= len(items)
    return items[shift:] + items[:shift]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def summarize_variant(variant: Variant) -> dict:
    decoding = variant.decoding
    n_t, n_s = decoding["translation"].max_new_tokens, decoding["summary"].max_new_tokens
    per_article = variant.per_article
    seconds = [a["seconds"] for a in per_article]
    entry = {
        "label": variant.label,
        "engine": ENGINE_OF[variant.base][0],
        "quantization": ENGINE_OF[variant.base][1] or "float32 (PyTorch)",
        "beams": {"summary": decoding["summary"].num_beams, "translation": decoding["translation"].num_beams},
        "load_seconds": variant.load_seconds,
        "per_article": {
            "articles": [a["article"] for a in per_article],
            "seconds": seconds,
            "median_seconds": _median(seconds),
            "max_seconds": max(seconds) if seconds else None,
            "median_summary_seconds": _median([a["summary"]["seconds"] for a in per_article]),
            "median_translation_seconds": _median([a["translation"]["seconds"] for a in per_article]),
            "translation_inputs": sum(a["translation"]["inputs"] for a in per_article),
            "translation_calls": sum(a["translation"]["calls"] for a in per_article),
        },
        "throughput": variant.throughput,
    }

    def stage_figures(stage: str, tokens_each: int) -> dict:
        source = variant.throughput if variant.throughput else None
        if source is None:  # naive: no batching, its per-article runs are its throughput
            totals = {
                "inputs": sum(a[stage]["inputs"] for a in per_article),
                "calls": sum(a[stage]["calls"] for a in per_article),
                "seconds": sum(a[stage]["seconds"] for a in per_article),
            }
            measured = "per-article runs"
        else:
            totals = source[stage]
            measured = f"pipeline.batch of {source['articles']} articles"
        per_article_totals = {
            "inputs": sum(a[stage]["inputs"] for a in per_article),
            "seconds": sum(a[stage]["seconds"] for a in per_article),
        }
        return {
            "tokens_per_input": tokens_each,
            "inputs": totals["inputs"],
            "calls": totals["calls"],
            "target_tokens": totals["inputs"] * tokens_each,
            "seconds": totals["seconds"],
            "tokens_per_second": tokens_per_second(totals, tokens_each),
            "measured_on": measured,
            "per_article_tokens_per_second": tokens_per_second(per_article_totals, tokens_each),
        }

    entry["translation"] = stage_figures("translation", n_t)
    entry["summary"] = stage_figures("summary", n_s)
    entry["_by_article"] = {a["article"]: a["seconds"] for a in per_article}
    return entry


def add_ratios(variants: dict[str, dict]) -> None:
    """Speed-ups over (1) naive, (2) batched transformers and (4) int8 with the whole vocabulary: tokens/s
    and seconds per article.

    Per-article speed-ups are the median over the articles both variants ran of baseline/variant.
    """
    for entry in variants.values():
        entry["ratios"] = {}
        for base_name, key in (("naive", "naive"), ("transformers", "transformers"), ("ct2-int8", "int8")):
            base = variants.get(base_name)
            if base is None:
                continue
            common = sorted(set(entry["_by_article"]) & set(base["_by_article"]))
            speedups = [base["_by_article"][a] / entry["_by_article"][a] for a in common if entry["_by_article"][a] > 0]
            entry["ratios"][f"vs_{key}"] = {
                "translation_tokens_per_second": _ratio(
                    entry["translation"]["tokens_per_second"], base["translation"]["tokens_per_second"]),
                "summary_tokens_per_second": _ratio(
                    entry["summary"]["tokens_per_second"], base["summary"]["tokens_per_second"]),
                "article_seconds_speedup": _median(speedups),
                "articles_compared": common,
            }
        fast = variants.get("fast-int8-vocab")
        if fast is not None:  # time per article against (6), the previous default: median of the ratios
            common = sorted(set(entry["_by_article"]) & set(fast["_by_article"]))
            entry["ratios"]["vs_fast"] = {"article_seconds_ratio": _median(
                [entry["_by_article"][a] / fast["_by_article"][a] for a in common if fast["_by_article"][a] > 0]),
                "articles_compared": common}
    for entry in variants.values():
        entry.pop("_by_article")


def cpu_facts() -> dict:
    """The CPU's model and the vector extensions that decide int8 speed (Linux /proc/cpuinfo)."""
    model, flags = "", set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and not model:
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    wanted = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    return {"model": model or None, "cores": _ct2_threads(), "flags": [f for f in wanted if f in flags]}


def notes(settings: dict, models: dict | None = None) -> list[str]:
    """Facts of this run that the tables do not show: the restricted vocabularies and the OpenMP setting."""
    out = []
    vocab = {kind: m["vocab_restriction"] for kind, m in (models or {}).items() if m.get("vocab_restriction")}
    if vocab:
        out.append("Restricted target vocabularies of (5): " + "; ".join(
            f"{kind} {v['kept']:,} of {v['full']:,} pieces ({v['language']}: {v['rule']})" for kind, v in vocab.items())
            + ".")
    if settings["omp_wait_policy"] == "PASSIVE":
        out.append(
            "OMP_WAIT_POLICY=PASSIVE for every variant: OpenMP threads sleep at barriers instead of spinning, so "
            "that other processes on the machine disturb the comparison less (`--omp-wait-policy unset` measures "
            "the library default)."
        )
    return out


def translation_length_basis(sentences: list[list[str]], root: str | Path | None = None) -> dict:
    """What a seed sentence's English translation would measure, to justify the forced N_t
    (Opus-MT's FLORES-101 outputs are read under :func:`eval.data.data_root` ``(root)``)."""
    words = [len(s.split()) for ss in sentences for s in ss]
    basis: dict = {"arabic_words_per_sentence": statistics.mean(words) if words else None}
    systems = data_path(FLORES101_SYSTEMS, root)
    source, output = systems / "source.ar", systems / "opusmt.en"
    if words and source.is_file() and output.is_file():
        count = lambda path: sum(len(line.split()) for line in path.read_text(encoding="utf-8").splitlines())  # noqa: E731
        ratio = count(output) / count(source)
        basis["opusmt_english_words_per_arabic_word"] = ratio  # Opus-MT's own FLORES-101 devtest outputs
        basis["expected_english_words_per_sentence"] = basis["arabic_words_per_sentence"] * ratio
    return basis


def run_benchmark(args) -> dict:
    import torch

    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.engines.export import read_export_info
    from summarizer.engines.loader import clear_cache

    def log(message: str) -> None:
        print(f"[speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    load_start = os.getloadavg()
    log(f"load average (1/5/15 min) at the start: {_load_text(load_start)}")
    cache = Path(args.cache).expanduser()
    selected = selected_variants(args.variants, args.translation_choice)
    pipeline_variants = [name for name in selected if name in PIPELINE_VARIANTS]
    models = prepare_models(cache, args.tiny, log, args.data_root, translation_choice=args.translation_choice,
                            variants=selected)
    decoding = {
        "translation": TRANSLATION_DECODING.but(
            num_beams=args.beams, min_new_tokens=args.translation_tokens, max_new_tokens=args.translation_tokens),
        "summary": SUMMARY_DECODING.but(
            num_beams=args.beams, min_new_tokens=args.summary_tokens, max_new_tokens=args.summary_tokens),
    }
    batch_sizes = {"translation": args.translation_batch_size, "summary": args.summary_batch_size}

    texts = seed_articles(args.articles, args.limit_sentences)
    sentences = [article_sentences(t) for t in texts]
    naive_articles = min(args.naive_articles or len(texts), len(texts))

    memory = {}
    if not args.no_memory:
        probe_text = " ".join(sentences[0][:PROBE_SENTENCES])
        for name in [m for m in MEMORY_ENGINES if m in selected]:
            log(f"memory: {name} (fresh process)...")
            memory[name] = measure_memory(name, models, decoding, batch_sizes, probe_text)

    clear_cache()
    log("loading the models...")
    loaded = {name: load_variant(name, models, decoding, batch_sizes) for name in pipeline_variants}
    if "naive" in selected:
        loaded["naive"] = Variant("naive", loaded["transformers"].summary_engine,
                                  loaded["transformers"].translation_engine, loaded["transformers"].load_seconds,
                                  decoding, "naive", LABELS["naive"])
    variants = {name: loaded[name] for name in selected}
    # What-ifs: CTranslate2 int8 with fewer summary beams (changes the output: not part of the comparison).
    what_ifs = []
    what_if_beams = set(args.what_if_summary_beams or []) if DEFAULT_VARIANT in selected else set()
    for beams in sorted(what_if_beams - {args.beams}, reverse=True):
        name = f"{DEFAULT_VARIANT}/summary-beams-{beams}"
        changed = {**decoding, "summary": decoding["summary"].but(num_beams=beams)}
        variants[name] = load_variant(name, models, changed, batch_sizes, base=DEFAULT_VARIANT,
                                      label=f"what-if: (5), summary {beams} beam{'s' if beams > 1 else ''}")
        what_ifs.append(name)
    main_rss_mb = rss_bytes() / MB
    reference = variants.get("transformers")
    loaded_parameters = {
        "marian": sum(p.numel() for p in reference.translation_engine.model.parameters()) if reference else None,
        "mt5": sum(p.numel() for p in reference.summary_engine.model.parameters()) if reference else None,
    }
    reference = reference or variants[pipeline_variants[0]]

    checks = {}
    for name in [*pipeline_variants, *what_ifs]:
        log(f"warm-up and forced-length check: {name}...")
        checks[name] = warm_up_and_check(variants[name], sentences[0], variants[name].decoding)
    if "naive" in selected:
        checks["naive"] = checks["transformers"]

    for i, text in enumerate(texts):
        order = _rotated([*(selected if i < naive_articles else pipeline_variants), *what_ifs], i)
        for name in order:
            variant = variants[name]
            log(f"article {i + 1}/{len(texts)}: {name} (load average {_load_text(os.getloadavg())})...")
            run = run_naive(variant, text, decoding) if name == "naive" else run_pipeline_article(variant, text)
            variant.per_article.append({"article": i, **run})
            log(f"  {run['seconds']:.1f} s (summary {run['summary']['seconds']:.1f} s, "
                f"translation {run['translation']['seconds']:.1f} s for {run['translation']['inputs']} inputs)")
    for name in _rotated(list(pipeline_variants), len(texts)) if args.throughput else []:
        log(f"throughput: {name}, {len(texts)} articles in one pipeline.batch...")
        variants[name].throughput = run_pipeline_batch(variants[name], texts)
        log(f"  {variants[name].throughput['seconds']:.1f} s")

    results = {name: summarize_variant(v) for name, v in variants.items()}
    add_ratios(results)
    for name, entry in results.items():
        entry["forced_length_check"] = checks[name]
        entry["memory"] = memory.get("transformers" if name == "naive" else variants[name].base)
    what_if = {name: results.pop(name) for name in what_ifs}
    argos = run_argos_peer(args, models, texts, decoding, log) if args.argos else None
    settings = {
        "mode": "tiny test models" if args.tiny else "shape-true stand-ins (random weights)",
        "translation_choice": args.translation_choice,
        "variants": selected,
        "articles": len(texts),
        "article_files": [p.name for p in SEEDS[: args.articles]],
        "sentences_per_article": [len(s) for s in sentences],
        "limit_sentences": args.limit_sentences,
        "naive_articles": naive_articles,
        "beams": args.beams,
        "translation_tokens": args.translation_tokens,
        "translation_tokens_basis": translation_length_basis(sentences, args.data_root),
        "data_root": str(data_root(args.data_root)),
        "summary_tokens": args.summary_tokens,
        "translation_decoding": asdict(decoding["translation"]),
        "summary_decoding": asdict(decoding["summary"]),
        "translation_batch_size": args.translation_batch_size,
        "summary_batch_size": args.summary_batch_size,
        "cpu": cpu_facts(),
        "torch_threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset (library default)"),
        "ctranslate2_threads": _ct2_threads(),
        "load_average_start": load_start,
        "load_average_end": os.getloadavg(),
        "main_process_rss_mb_all_variants_loaded": main_rss_mb,
    }
    model_facts = {}
    for kind in ("marian", "mt5"):
        hf = models[kind]["hf"]
        info = read_info(hf) if (hf / "standin.json").is_file() else {"shape_of": f"tiny test {kind}"}
        model_facts[kind] = {
            **info,
            "loaded_parameters_transformers": loaded_parameters[kind],
            "input_tokens_per_sentence_median": _median(
                reference.translation_engine.count_tokens([s for ss in sentences for s in ss])
            ) if kind == "marian" else None,
            "summary_input_tokens": reference.summary_engine.count_tokens(
                [" ".join(s) for s in sentences]) if kind == "mt5" else None,
            "hf_folder": str(hf),
            "disk_mb": {"hf": folder_megabytes(hf), **{
                f"ct2_{key.replace('-', '_')}": folder_megabytes(models[kind][key])
                for key in ("float32", "int8", "int8-vocab") if key in models[kind]}},
            "vocab_restriction": read_export_info(models[kind]["int8-vocab"]).get("vocab_restriction"),
        }
    payload = {"settings": settings, "models": model_facts, "variants": results, "what_if": what_if}
    if argos is not None:
        payload["argos"] = argos
    payload["notes"] = notes(settings, model_facts)
    return payload


def _ct2_threads() -> int:
    """CTranslate2's intra-op threads per model on the CPU (half the cores: the two models run side by side)."""
    from summarizer.engines.ctranslate2_engine import available_cores

    return max(available_cores() // 2, 1)


def selected_variants(names: list[str] | None, translation_choice: str) -> list[str]:
    """The variants to run, in table order: (1) needs (2)'s models; (6) only beside another choice than `fast`."""
    wanted = set(names or VARIANTS)
    if "naive" in wanted:
        wanted.add("transformers")
    if translation_choice == "fast":
        wanted.discard("fast-int8-vocab")
    return [name for name in VARIANTS if name in wanted]


def _load_text(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load)


# -- the peer: Argos Translate ------------------------------------------------------------------
ARGOS_PACKAGE = "translate-ar_en"
ARGOS_MODEL_FILES = ("model.bin", "config.json")  # plus the vocabulary files (*vocabulary*)


def build_argos_package(export: Path, out_dir: Path, *, name: str = "stand-in") -> Path:
    """An Argos Translate package (``.argosmodel``) of a CTranslate2 export with one SentencePiece model.

    The format (argostranslate/package.py): a zip of one folder holding ``metadata.json``, the CTranslate2
    model in ``model/`` and ``sentencepiece.model``. Argos tokenizes the source and detokenizes the output
    with that one SentencePiece model, so the export's source and target must share it (the stand-ins do;
    the real Opus-MT tc-big has two). Its sentence splitter: ``spacy/`` holds spaCy's blank Arabic pipeline,
    to which Argos adds spaCy's rule-based ``sentencizer`` (``ARGOS_CHUNK_TYPE=SPACY``): Argos's own
    choices, Stanza or MiniSBD, download an Arabic model on first use, which this machine cannot.
    """
    import spacy

    export, staging = Path(export), Path(out_dir) / ARGOS_PACKAGE
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "model").mkdir(parents=True)
    for path in export.iterdir():
        if path.name in ARGOS_MODEL_FILES or "vocabulary" in path.name:
            shutil.copy(path, staging / "model" / path.name)
    shutil.copy(export / "source.spm", staging / "sentencepiece.model")
    spacy.blank("ar").to_disk(staging / "spacy")
    metadata = {"package_version": "0.0", "argos_version": "1.11", "from_code": "ar", "from_name": "Arabic",
                "to_code": "en", "to_name": "English", "type": "translate",
                "code": f"{ARGOS_PACKAGE}-{name}"}
    (staging / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    archive = Path(out_dir) / f"{ARGOS_PACKAGE}-{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for path in sorted(staging.rglob("*")):
            zipped.write(path, path.relative_to(staging.parent))
    shutil.rmtree(staging)
    return archive


def argos_environment(root: Path, threads: int) -> dict[str, str]:
    """The settings argostranslate reads from the environment when it is imported (argostranslate/settings.py):
    its data, config and cache folders and its packages under ``root``, the CPU with ``threads`` intra-op
    threads (as our engine gets for a translation alone), spaCy's sentence splitter.

    With ``ARGOS_CHUNK_TYPE=SPACY``, importing ``argostranslate.sbd`` downloads spaCy's ``xx_sent_ud_sm``
    unless its cache folder exists (``networking.cache_spacy``): the blank pipeline written there stops that
    download (the package's own ``spacy/`` folder is the one used).
    """
    cache = root / "cache"
    spacy_cache = cache / "argos-translate" / "spacy"
    if not (spacy_cache / "senter" / "model").exists():
        import spacy

        spacy_cache.parent.mkdir(parents=True, exist_ok=True)
        spacy.blank("ar").to_disk(spacy_cache)
        (spacy_cache / "senter" / "model").mkdir(parents=True, exist_ok=True)
    return {"XDG_DATA_HOME": str(root / "data"), "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_CACHE_HOME": str(cache), "ARGOS_PACKAGES_DIR": str(root / "packages"),
            "ARGOS_CHUNK_TYPE": "SPACY", "ARGOS_DEVICE_TYPE": "cpu", "ARGOS_INTRA_THREADS": str(threads)}


class ForcedLengthTranslator:
    """Argos's ``ctranslate2.Translator`` with each output forced to ``length`` tokens, as eval.speed forces
    ours (random weights decode arbitrary lengths); every other argument is Argos's own (beam size 4, batches
    of 32 tokens, length penalty 0.2). Counts the sentences and output tokens it decoded."""

    def __init__(self, inner, length: int):
        self.inner, self.length = inner, length
        self.sentences, self.output_tokens = 0, []

    def translate_batch(self, source, **kwargs):
        results = self.inner.translate_batch(
            source, **{**kwargs, "min_decoding_length": self.length, "max_decoding_length": self.length})
        self.sentences += len(source)
        self.output_tokens += [len(result.hypotheses[0]) for result in results]
        return results

    def __getattr__(self, name):
        return getattr(self.inner, name)


def load_argos(package: Path, root: Path, threads: int, length: int | None = None):
    """Install ``package`` into ``root`` and return Argos's ar->en translation (its ``PackageTranslation``:
    without the cache of paragraphs it keeps between calls), its Translator wrapped by
    :class:`ForcedLengthTranslator` when ``length`` is given.

    argostranslate reads its settings once, when first imported: a process that imported it before cannot
    move it to ``root`` (a RuntimeError says so)."""
    environment = argos_environment(root, threads)
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        import ctranslate2
        from argostranslate import package as argos_package
        from argostranslate import settings as argos_settings
        from argostranslate import translate as argos_translate
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if Path(argos_settings.package_data_dir) != root / "packages":
        raise RuntimeError(f"argostranslate was imported before with its packages in {argos_settings.package_data_dir}")
    argos_package.install_from_path(package)
    languages = {language.code: language for language in argos_translate.get_installed_languages()}
    translation = languages["ar"].get_translation(languages["en"])
    translation = getattr(translation, "underlying", translation)
    # What PackageTranslation.hypotheses does on its first call, done here so that it can be wrapped.
    translator = ctranslate2.Translator(
        str(translation.pkg.package_path / "model"), device=argos_settings.device,
        inter_threads=argos_settings.inter_threads, intra_threads=argos_settings.intra_threads,
        compute_type=argos_settings.compute_type)
    translation.translator = ForcedLengthTranslator(translator, length) if length else translator
    return translation


def run_argos_peer(args, models: dict, texts: list[str], decoding: dict, log) -> dict:
    """Argos Translate and our translation of the same articles with the same model, taking turns article by
    article: Arabic words and output tokens per second (no summary: Argos translates only)."""
    import argostranslate

    from summarizer.engines.ctranslate2_engine import available_cores
    from summarizer.engines.loader import load_engine
    from summarizer.pipeline import Pipeline
    from summarizer.stages.translate import Translator

    threads = available_cores()
    root = Path(tempfile.mkdtemp(prefix="speed-argos-"))
    try:
        log(f"Argos: building a package of {models['marian']['int8']} in {root}...")
        package = build_argos_package(models["marian"]["int8"], root / "build", name=args.translation_choice)
        runners, timers = {}, {}
        for name, key in (("ours", "int8-vocab"), ("ours-whole", "int8")):
            engine = load_engine(str(models["marian"][key]), role="translation", engine="ctranslate2",
                                 quantization="int8", share_cores=False)
            timers[name] = StageTimer()
            runners[name] = Pipeline.from_stages(None, Translator(TimedEngine(engine, timers[name]),
                                                                  decoding=decoding["translation"],
                                                                  batch_size=args.translation_batch_size),
                                                 summary_method="lead")
        length = expected_output_tokens(engine, decoding["translation"])
        started = time.perf_counter()
        argos = load_argos(package, root / "argos", threads, length)
        argos.translate(texts[0].split("\n")[0][:200])  # loads the model and the splitter (warm-up)
        argos_load = time.perf_counter() - started
        runners["argos"] = argos.translate
        for name in ("ours", "ours-whole"):
            runners[name](texts[0])  # warm-up
        runs: dict[str, list[dict]] = {name: [] for name in ARGOS_ROWS}
        for i, text in enumerate(texts):
            for name in _rotated(list(ARGOS_ROWS), i):
                sentences_before, tokens_before = argos.translator.sentences, len(argos.translator.output_tokens)
                if name in timers:
                    timers[name].reset()
                started = time.perf_counter()
                runners[name](text)
                seconds = time.perf_counter() - started
                if name == "argos":
                    sentences = argos.translator.sentences - sentences_before
                    tokens = sum(argos.translator.output_tokens[tokens_before:])
                else:
                    sentences = timers[name].inputs
                    tokens = sentences * length
                runs[name].append({"article": i, "seconds": seconds, "arabic_words": len(text.split()),
                                   "sentences": sentences, "output_tokens": tokens})
                log(f"Argos peer, article {i + 1}/{len(texts)}: {name} {seconds:.1f} s, {sentences} sentences "
                    f"(load average {_load_text(os.getloadavg())})")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = {}
    for name, entries in runs.items():
        seconds = sum(r["seconds"] for r in entries)
        rows[name] = {
            "label": ARGOS_ROWS[name], "seconds": [r["seconds"] for r in entries],
            "median_seconds": _median([r["seconds"] for r in entries]),
            "words_per_second": sum(r["arabic_words"] for r in entries) / seconds if seconds else None,
            "output_tokens_per_second": sum(r["output_tokens"] for r in entries) / seconds if seconds else None,
            "sentences": sum(r["sentences"] for r in entries),
            "per_article": entries,
        }
    for name, row in rows.items():
        speedups = [a["seconds"] / b["seconds"] for a, b in zip(runs["argos"], runs[name], strict=True)]
        row["article_speedup_vs_argos"] = _median(speedups)
    return {
        "argostranslate_version": getattr(argostranslate, "__version__", None) or _version("argostranslate"),
        "model": f"{args.translation_choice} stand-in, CTranslate2 int8 export (whole vocabulary)",
        "threads": threads, "forced_output_tokens": length, "load_seconds": argos_load,
        "forced_length_ok": all(t == length for t in argos.translator.output_tokens),
        "settings": "ARGOS_CHUNK_TYPE=SPACY (spaCy's rule-based sentencizer), beam size 4 (Argos's default), "
                    "batches of 32 tokens (ARGOS_BATCH_SIZE default), length penalty 0.2, "
                    f"ARGOS_INTRA_THREADS={threads}",
        "rows": rows,
    }


ARGOS_ROWS = {
    "argos": "Argos Translate (its own code: spaCy sentencizer, SentencePiece, translate_batch)",
    "ours": "ours, translation only (`summarizer translate`): int8 + vocabulary restriction",
    "ours-whole": "ours, translation only: int8, whole vocabulary (Argos's model file)",
}


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


# -- report --------------------------------------------------------------------------------
def _fmt(value, digits: int = 2, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{suffix}"


def render_markdown(payload: dict, command: str) -> str:
    s, v = payload["settings"], payload["variants"]
    lines = [
        "# Speed benchmark",
        "",
        f"`{command}` - {s['mode']}; {s['articles']} seed articles ({sum(s['sentences_per_article'])} sentences), "
        f"{s['beams']} beams everywhere, forced output lengths: translation N_t = {s['translation_tokens']} tokens per "
        f"sentence, summary N_s = {s['summary_tokens']} tokens per article. Threads: torch {s['torch_threads']}, "
        f"CTranslate2 {s['ctranslate2_threads']} per model and per translation worker (summary beside the article's "
        "translation; two translation workers, the summary's thread joining the translation once the summary is "
        "written, the summary's sentences in the article's last batch when it has room). Translation "
        f"model: the `{s.get('translation_choice', 'fast')}` stand-in. Load average (1/5/15 min) at start "
        f"{'/'.join(f'{x:.1f}' for x in s['load_average_start'])}, at end "
        f"{'/'.join(f'{x:.1f}' for x in s['load_average_end'])}.",
        "",
    ]
    headers = [
        "variant", "translation tok/s", "summary tok/s", "s/article median", "s/article max", "batch s/article",
        "load s", "RSS loaded MB", "peak RSS MB", "transl. x(1)", "transl. x(2)", "summary x(1)", "summary x(2)",
        "article x(1)", "article x(2)", "article x(4)", "time / (6)",
    ]
    rows = []
    for e in v.values():
        r1, r2 = e["ratios"].get("vs_naive", {}), e["ratios"].get("vs_transformers", {})
        r4, r6 = e["ratios"].get("vs_int8", {}), e["ratios"].get("vs_fast", {})
        mem = e.get("memory") or {}
        throughput = e.get("throughput")
        rows.append([
            e["label"], _fmt(e["translation"]["tokens_per_second"], 1), _fmt(e["summary"]["tokens_per_second"], 1),
            _fmt(e["per_article"]["median_seconds"], 1), _fmt(e["per_article"]["max_seconds"], 1),
            _fmt(throughput["seconds"] / throughput["articles"], 1) if throughput else "n/a",
            _fmt(e["load_seconds"], 1), _fmt(mem.get("loaded_rss_mb"), 0), _fmt(mem.get("peak_rss_mb"), 0),
            _fmt(r1.get("translation_tokens_per_second"), 2, "x"), _fmt(r2.get("translation_tokens_per_second"), 2, "x"),
            _fmt(r1.get("summary_tokens_per_second"), 2, "x"), _fmt(r2.get("summary_tokens_per_second"), 2, "x"),
            _fmt(r1.get("article_seconds_speedup"), 2, "x"), _fmt(r2.get("article_seconds_speedup"), 2, "x"),
            _fmt(r4.get("article_seconds_speedup"), 2, "x"), _fmt(r6.get("article_seconds_ratio"), 2, "x"),
        ])
    lines += [markdown_table(headers, rows), ""]
    lines += _default_lines(payload)
    lines += [
        "- tok/s = target tokens per second (forced N x inputs; translation includes the summary's sentences, "
        "as the pipeline translates them too). "
        + ("Pipeline variants: measured on one `pipeline.batch` of all articles; (1) on its per-article runs (it "
           "has no batching)." if any(e.get("throughput") for e in v.values()) else
           "Measured on the per-article runs (`--no-throughput`)."),
        "- s/article: `pipeline(text)` per article, end to end (clean, split, summary, translation of the "
        "sentences and of the summary); the variants take turns article by article.",
        f"- (1) naive ran on the first {s['naive_articles']} of {s['articles']} articles (it is the slowest); "
        "x(1) article speed-ups are medians over the articles both ran.",
        "- Memory: a fresh process per engine, both models loaded (RSS loaded) and the peak over one article "
        f"(its first {PROBE_SENTENCES} sentences). (1) naive loads the same models as (2). transformers "
        "memory-maps safetensors weights, so its RSS right after loading is low: the weights become resident "
        "as the first article reads them (the peak column).",
        "",
        "## Per-article time by stage (medians)",
        "",
    ]
    stage_rows = []
    for e in [*v.values(), *payload.get("what_if", {}).values()]:
        pa = e["per_article"]
        stage_rows.append([e["label"], _fmt(pa["median_seconds"], 1), _fmt(pa["median_summary_seconds"], 1),
                           _fmt(pa["median_translation_seconds"], 1), str(pa["translation_inputs"]),
                           _fmt(e["translation"]["per_article_tokens_per_second"], 1),
                           _fmt(e["summary"]["per_article_tokens_per_second"], 1),
                           ", ".join(f"{x:.1f}" for x in pa["seconds"])])
    lines += [markdown_table(["variant", "total s", "summary s", "translation s", "translation inputs",
                              "translation tok/s", "summary tok/s", "seconds per article"], stage_rows), ""]
    if payload.get("what_if"):
        lines += ["What-ifs run the engines of (5) with fewer summary beams, in the same per-article rotation; "
                  "fewer beams change the summaries, so they are not part of the equal-settings comparison.", ""]
    lines += _argos_lines(payload.get("argos"))
    lines += ["## Notes", ""]
    for note in payload["notes"]:
        lines += [f"- {note}"]
    lines += ["", "## Models", ""]
    model_rows = []
    for kind, m in payload["models"].items():
        disk = m["disk_mb"]
        model_rows.append([
            m.get("shape_of", kind), _fmt(m.get("parameters"), 0) if m.get("parameters") else "n/a",
            _fmt(m["loaded_parameters_transformers"], 0), str(m.get("vocab_size", "n/a")),
            str(m.get("trained_pieces", "n/a")), str(m.get("seed_tokens_per_word", "n/a")),
            _fmt(disk["hf"], 0), _fmt(disk.get("ct2_float32"), 0), _fmt(disk.get("ct2_int8"), 0),
            _fmt(disk.get("ct2_int8_vocab"), 0),
            f"{m['vocab_restriction']['kept']:,}" if m.get("vocab_restriction") else "n/a",
        ])
    lines += [markdown_table(["stand-in of", "parameters", "loaded (transformers)", "vocab", "trained pieces",
                              "seed tokens/word", "HF MB", "CT2 fp32 MB", "CT2 int8 MB", "CT2 int8 restricted MB",
                              "restricted vocab"], model_rows), ""]
    marian, mt5 = payload["models"]["marian"], payload["models"]["mt5"]
    lines += [
        f"- Input lengths with the stand-in tokenizers: median {marian['input_tokens_per_sentence_median']} tokens per "
        f"seed sentence (Opus-MT stand-in); summary inputs {mt5['summary_input_tokens']} tokens per article before "
        "the 512-token cut. "
        + ("The tiny models' tokenizers have 400 pieces. " if s["mode"].startswith("tiny") else
           f"The tokenizers are sentencepiece models trained on {marian.get('tokenizer_corpus', 'the seeds')} "
           f"({marian.get('trained_pieces', 'n/a')} / {mt5.get('trained_pieces', 'n/a')} real pieces, "
           f"{marian.get('seed_tokens_per_word', 'n/a')} / {mt5.get('seed_tokens_per_word', 'n/a')} tokens per seed "
           "word, Opus-MT / mT5 stand-in) padded with never-chosen dummy pieces to the published vocabulary sizes; "
           "the real vocabularies could not be downloaded, so their tokens per word cannot be checked here. ")
        + "Output lengths are forced, so tokens/s does not depend on the tokenizer; only encoder work (input "
        "length) does.",
        _basis_note(s),
        "- Forced lengths checked per engine on a warm-up call: "
        + ", ".join(f"{n} {'ok' if all(c['ok'] for c in e['forced_length_check'].values()) else 'FAILED'}"
                    for n, e in v.items()) + ".",
    ]
    return "\n".join(lines)


def _default_lines(payload: dict) -> list[str]:
    """One line on (5), the pipeline a user gets, with the figures it is judged by, as measured in this run."""
    default = payload["variants"].get(DEFAULT_VARIANT)
    if default is None:
        return []
    s, ratios, memory = payload["settings"], default["ratios"], default.get("memory") or {}
    return [
        f"- The default pipeline, (5) with `{s.get('translation_choice', 'fast')}`: "
        f"{_fmt(default['per_article']['median_seconds'], 2)} s per article (median); "
        f"{_fmt(ratios.get('vs_transformers', {}).get('article_seconds_speedup'), 2, 'x')} faster than (2) and "
        f"{_fmt(ratios.get('vs_fast', {}).get('article_seconds_ratio'), 2, 'x')} the time of (6), per article "
        "(medians of the per-article ratios, this run); peak RSS with both models loaded "
        f"{_fmt(memory.get('peak_rss_mb'), 0)} MB; load average {_load_text(s['load_average_start'])} at the start, "
        f"{_load_text(s['load_average_end'])} at the end.",
        "- time / (6): seconds per article against (6), the same engines with the `fast` translation model "
        "(median of the per-article ratios).",
        "",
    ]


def _argos_lines(argos: dict | None) -> list[str]:
    """The peer's table: Argos Translate and our translation of the same articles, same model, in turns."""
    if not argos:
        return []
    rows = [[r["label"], _fmt(r["words_per_second"], 1), _fmt(r["output_tokens_per_second"], 1),
             _fmt(r["median_seconds"], 2), str(r["sentences"]), _fmt(r["article_speedup_vs_argos"], 2, "x")]
            for r in argos["rows"].values()]
    return [
        "## Peer: Argos Translate",
        "",
        f"Argos Translate {argos['argostranslate_version']} with a package built from the {argos['model']}, beside "
        f"our translation of the same articles with the same model, taking turns article by article; "
        f"{argos['threads']} CTranslate2 thread(s) each; every output forced to {argos['forced_output_tokens']} "
        f"tokens (checked: {'ok' if argos['forced_length_ok'] else 'FAILED'}). Argos's settings: {argos['settings']}.",
        "",
        markdown_table(["translation", "Arabic words/s", "output tokens/s", "s/article median", "sentences",
                        "article x Argos"], rows),
        "",
        "- Arabic words/s: the articles' words over the seconds to translate them (clean, split, translate); "
        "output tokens/s: the tokens decoded (sentences x forced length) over the same seconds. The two "
        "splitters find different sentences (the sentences column), so the tokens decoded differ.",
        "",
    ]


def _basis_note(s: dict) -> str:
    basis = s["translation_tokens_basis"]
    note = (f"- Forced lengths: N_s = {s['summary_tokens']} is the summariser's published max_length. "
            f"N_t = {s['translation_tokens']}: the seed sentences average {_fmt(basis['arabic_words_per_sentence'], 1)} "
            "Arabic words")
    if "expected_english_words_per_sentence" in basis:
        expected = basis["expected_english_words_per_sentence"]
        note += (f"; Opus-MT's own FLORES-101 devtest translations have "
                 f"{basis['opusmt_english_words_per_arabic_word']:.2f} English words per Arabic word, so a seed "
                 f"sentence would come out at about {expected:.0f} English words, about "
                 f"{expected * ENGLISH_TOKENS_PER_WORD:.0f} tokens at an assumed {ENGLISH_TOKENS_PER_WORD:g} subword "
                 "tokens per English word, plus EOS")
    return note + "."


def _ratios_over(entry: dict, base: dict) -> dict:
    return {
        "translation_tokens_per_second": _ratio(entry["translation"]["tokens_per_second"],
                                                base["translation"]["tokens_per_second"]),
        "summary_tokens_per_second": _ratio(entry["summary"]["tokens_per_second"], base["summary"]["tokens_per_second"]),
        "article_seconds_speedup": _ratio(base["per_article"]["median_seconds"], entry["per_article"]["median_seconds"]),
    }


def _chart_speedups(v: dict) -> tuple[str, dict[str, list[float]]]:
    """Speed-ups of every variant over (1) naive, over (2) when the run left (1) out (``--variants``), else
    over the first variant run: (its label, {figure: values})."""
    first = next(iter(v.values()))
    base = next((b for b in ("naive", "transformers") if all(f"vs_{b}" in e["ratios"] for e in v.values())), None)
    if base is not None:
        title, ratios = LABELS[base], [e["ratios"][f"vs_{base}"] for e in v.values()]
    else:
        title, ratios = first["label"], [_ratios_over(e, first) for e in v.values()]
    return title, {
        "translation tok/s": [r["translation_tokens_per_second"] or 0.0 for r in ratios],
        "summary tok/s": [r["summary_tokens_per_second"] or 0.0 for r in ratios],
        "s/article": [r["article_seconds_speedup"] or 0.0 for r in ratios],
    }


def write_charts(out: Path, payload: dict) -> list[Path]:
    v = payload["variants"]
    labels = [name for name in v]
    title, speedups = _chart_speedups(v)
    every = {**v, **payload.get("what_if", {})}
    seconds = {
        "median": [e["per_article"]["median_seconds"] or 0.0 for e in every.values()],
        "max": [e["per_article"]["max_seconds"] or 0.0 for e in every.values()],
    }
    return [
        bar_chart(out / "speed.png", f"Speed-up over {title} (higher is better)", labels, speedups, "x"),
        bar_chart(out / "speed-seconds.png", "Seconds per article, end to end (lower is better)",
                  [name.replace(f"{DEFAULT_VARIANT}/", "(5) ") for name in every], seconds, "seconds"),
    ]


# -- the translation choices ----------------------------------------------------------------
CHOICES_REPORT = "speed-choices"


def prepare_choice_models(choices: list[str], cache: Path, tiny: bool, log, data_root=None) -> dict[str, dict]:
    """Per choice: its stand-in (tiny: the tests' tiny model of the same family) and its int8 export."""
    if tiny:
        from eval.models import build_tiny_marian, build_tiny_marian_big, build_tiny_nllb

        builders = {"fast": build_tiny_marian, "best": build_tiny_marian_big, "nllb-600m": build_tiny_nllb}
        folders = {}
        for choice in choices:
            folder = cache / "tiny" / f"choice-{choice}"
            if not (folder / "model.safetensors").is_file():
                builders[choice](folder)
            folders[choice] = folder
    else:
        folders = ensure_choice_standins(choices, cache, log=log, data_root=data_root)
    ct2_cache = cache / ("tiny" if tiny else "") / "ct2"
    return {choice: {"hf": folder, "int8": _export(folder, "int8", ct2_cache, log)} for choice, folder in folders.items()}


def run_choices(args) -> dict:
    """Seconds per seed article for each named translation choice (stand-ins, CTranslate2 int8)."""
    from summarizer.choices import TRANSLATION_MODELS
    from summarizer.engines.base import TRANSLATION_DECODING
    from summarizer.engines.loader import clear_cache, load_engine
    from summarizer.pipeline import Pipeline
    from summarizer.stages.translate import Translator

    def log(message: str) -> None:
        print(f"[speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    load_start = os.getloadavg()
    choices = list(dict.fromkeys(args.choices))
    models = prepare_choice_models(choices, Path(args.cache).expanduser(), args.tiny, log, args.data_root)
    decoding = TRANSLATION_DECODING.but(num_beams=args.beams, min_new_tokens=args.translation_tokens,
                                        max_new_tokens=args.translation_tokens)
    texts = seed_articles(args.articles, args.limit_sentences)
    sentences = [article_sentences(t) for t in texts]

    memory = {}
    if not args.no_memory:
        probe_text = " ".join(sentences[0][:PROBE_SENTENCES])
        for choice in choices:
            log(f"memory: {choice} (fresh process)...")
            memory[choice] = _probe_in_subprocess(choice, {
                "summary_model": None, "translation_model": str(models[choice]["int8"]), "engine": "ctranslate2",
                "quantization": "int8", "summary_method": "lead", "summary_decoding": asdict(decoding),
                "translation_decoding": asdict(decoding), "translation_batch_size": args.translation_batch_size,
                "summary_batch_size": 1, "text": probe_text,
            })

    clear_cache()
    timers, pipelines, entries = {}, {}, {}
    for choice in choices:
        started = time.perf_counter()
        engine = load_engine(str(models[choice]["int8"]), role="translation", engine="ctranslate2", quantization="int8")
        load_seconds = time.perf_counter() - started
        timers[choice] = StageTimer()
        pipelines[choice] = Pipeline.from_stages(
            None, Translator(TimedEngine(engine, timers[choice]), decoding=decoding,
                             batch_size=args.translation_batch_size), summary_method="lead")
        log(f"warm-up and forced-length check: {choice}...")
        counts = output_token_counts(engine, sentences[0][:2], decoding)
        expected = expected_output_tokens(engine, decoding)
        hf = models[choice]["hf"]
        info = read_info(hf) if (hf / "standin.json").is_file() else {"shape_of": f"tiny test model ({choice})"}
        entries[choice] = {
            "model": TRANSLATION_MODELS[choice].model, "licence": TRANSLATION_MODELS[choice].licence,
            "family": engine.family.name, "stand_in": info, "load_seconds": load_seconds,
            "forced_length_check": {"output_tokens": counts, "expected": expected,
                                    "ok": all(c == expected for c in counts)},
            "disk_mb": {"hf": folder_megabytes(hf), "ct2_int8": folder_megabytes(models[choice]["int8"])},
            "input_tokens_per_sentence_median": _median(engine.count_tokens([s for ss in sentences for s in ss])),
            "memory": memory.get(choice), "per_article": [],
        }

    for i, text in enumerate(texts):
        for choice in _rotated(choices, i):
            timers[choice].reset()
            started = time.perf_counter()
            result = pipelines[choice](text)
            seconds = time.perf_counter() - started
            scores = [p.score for p in result.translation if p.score is not None]
            entries[choice]["per_article"].append({
                "article": i, "seconds": seconds, "translation": timers[choice].snapshot(),
                "scores_finite": len(scores) == len(result.sentences) and all(map(math.isfinite, scores)),
            })
            log(f"article {i + 1}/{len(texts)}: {choice} {seconds:.1f} s ({timers[choice].inputs} sentences)")

    for entry in entries.values():
        runs = entry["per_article"]
        seconds = [r["seconds"] for r in runs]
        inputs = sum(r["translation"]["inputs"] for r in runs)
        translation_seconds = sum(r["translation"]["seconds"] for r in runs)
        entry["median_seconds"] = _median(seconds)
        entry["max_seconds"] = max(seconds) if seconds else None
        entry["tokens_per_second"] = inputs * decoding.max_new_tokens / translation_seconds if translation_seconds else 0
    base = entries.get("fast")
    for entry in entries.values():
        entry["vs_fast"] = _ratio(entry["median_seconds"], base["median_seconds"]) if base else None
    settings = {
        "mode": "tiny test models" if args.tiny else "shape-true stand-ins (random weights)",
        "engine": "ctranslate2 int8", "articles": len(texts), "article_files": [p.name for p in SEEDS[: args.articles]],
        "sentences_per_article": [len(s) for s in sentences], "limit_sentences": args.limit_sentences,
        "beams": args.beams, "translation_tokens": args.translation_tokens,
        "translation_batch_size": args.translation_batch_size, "cpu": cpu_facts(), "ctranslate2_threads": _ct2_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset (library default)"),
        "load_average_start": load_start, "load_average_end": os.getloadavg(),
    }
    return {"settings": settings, "choices": entries}


def render_choices_markdown(payload: dict, command: str) -> str:
    s, entries = payload["settings"], payload["choices"]
    lines = [
        "# Speed of the translation choices",
        "",
        f"`{command}` - {s['mode']}, {s['engine']}; {s['articles']} seed articles "
        f"({sum(s['sentences_per_article'])} sentences), {s['beams']} beams, forced {s['translation_tokens']} output "
        f"tokens per sentence; CTranslate2 threads {s['ctranslate2_threads']} ({s['cpu']['model']}). Load average "
        f"(1/5/15 min) at start {'/'.join(f'{x:.1f}' for x in s['load_average_start'])}, at end "
        f"{'/'.join(f'{x:.1f}' for x in s['load_average_end'])}.",
        "",
    ]
    rows = []
    for choice, e in entries.items():
        mem = e.get("memory") or {}
        info = e["stand_in"]
        rows.append([
            f"`{choice}`", e["model"], _fmt(info.get("parameters"), 0) if info.get("parameters") else "n/a",
            _fmt(e["median_seconds"], 1), _fmt(e["max_seconds"], 1), _fmt(e["vs_fast"], 2, "x"),
            _fmt(e["tokens_per_second"], 1), _fmt(mem.get("peak_rss_mb"), 0), _fmt(e["disk_mb"]["ct2_int8"], 0),
            _fmt(e["load_seconds"], 1), e["licence"],
        ])
    lines += [markdown_table(["choice", "model", "parameters", "s/article median", "s/article max", "x fast",
                              "tok/s", "peak RSS MB", "int8 MB", "load s", "licence"], rows), ""]
    lines += [
        "- s/article: `pipeline(text)` with this translation model and no summary model (clean, split, every "
        "sentence translated; a lead summary reuses those translations); add the summary's own time from the main "
        "report (`python -m eval.speed`), which does not depend on the translation model.",
        "- Forced output lengths: every choice decodes the same number of tokens per sentence (NLLB's include its "
        "forced language code); tok/s = forced tokens x sentences / translation seconds.",
        f"- Peak RSS: a fresh process with this translation model alone (int8), over {PROBE_SENTENCES} sentences.",
        "- Forced lengths checked on a warm-up call: "
        + ", ".join(f"{c} {'ok' if e['forced_length_check']['ok'] else 'FAILED'}" for c, e in entries.items()) + "; "
        "scores present and finite on every article: "
        + ", ".join(f"{c} {'yes' if all(r['scores_finite'] for r in e['per_article']) else 'NO'}"
                    for c, e in entries.items()) + ".",
    ]
    return "\n".join(lines)


# -- command line --------------------------------------------------------------------------
def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m eval.speed",
        description="Speed benchmark: naive transformers vs the pipeline on transformers / CTranslate2 float32 / "
                    "int8, on shape-true stand-ins of the default models.",
    )
    parser.add_argument("--out", default=str(Path("reports") / REPORT_NAME), help="report folder (default reports/speed)")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE),
                        help=f"where stand-ins and CTranslate2 exports are kept (default {DEFAULT_CACHE})")
    parser.add_argument("--tiny", action="store_true", help="the tiny test models (eval/models.py) instead of the stand-ins (CI)")
    parser.add_argument("--articles", type=_positive, default=len(SEEDS), help="first N seed articles (default all)")
    parser.add_argument("--naive-articles", type=_positive, default=2,
                        help="run the naive baseline on the first K articles only (default 2: it is the slowest)")
    parser.add_argument("--limit-sentences", type=_positive, default=None, help="first N sentences of each article")
    parser.add_argument("--beams", type=_positive, default=4, help="beams for every stage and variant (default 4)")
    parser.add_argument("--translation-tokens", type=_positive, default=36,
                        help="forced output tokens per translated sentence (default 36: about a seed sentence's "
                             "English length, see the report)")
    parser.add_argument("--summary-tokens", type=_positive, default=84,
                        help="forced output tokens per summary (default 84, the published max_length)")
    parser.add_argument("--translation-batch-size", type=_positive, default=CPU_TRANSLATION_BATCH,
                        help=f"the pipeline's on the CPU (default {CPU_TRANSLATION_BATCH})")
    parser.add_argument("--summary-batch-size", type=_positive, default=CPU_SUMMARY_BATCH,
                        help=f"the pipeline's on the CPU (default {CPU_SUMMARY_BATCH})")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument(
        "--what-if-summary-beams", type=_positive, nargs="*", default=[2, 1], metavar="B",
        help="also time CTranslate2 int8 with B summary beams, per article (default: 2 1; none: no what-ifs)",
    )
    parser.add_argument(
        "--omp-wait-policy", default="PASSIVE", choices=("PASSIVE", "ACTIVE", "unset"),
        help="OMP_WAIT_POLICY for torch and CTranslate2 (default PASSIVE: threads sleep at OpenMP barriers "
             "instead of spinning, so other processes on the machine disturb the measurement less)",
    )
    parser.add_argument(
        "--choices", nargs="+", default=None, metavar="CHOICE", choices=["fast", "best", "nllb-600m"],
        help="measure these named translation choices instead (CTranslate2 int8, translation only; "
             "writes speed-choices.json/.md): fast, best, nllb-600m",
    )
    parser.add_argument(
        "--translation-choice", default=DEFAULT_TRANSLATION_CHOICE, choices=["fast", "best"],
        help=f"the named translation model of variants (1)-(5) (default {DEFAULT_TRANSLATION_CHOICE}, the "
             "default's); (6) runs (5) with `fast` beside it",
    )
    parser.add_argument(
        "--variants", nargs="+", default=None, choices=VARIANTS, metavar="VARIANT",
        help="run only these variants (default all: " + " ".join(VARIANTS) + "); naive brings transformers",
    )
    parser.add_argument(
        "--throughput", action=argparse.BooleanOptionalAction, default=True,
        help="also time one pipeline.batch of all articles per variant (default on; --no-throughput: the "
             "tok/s columns come from the per-article runs, and the run takes about half the time)",
    )
    parser.add_argument(
        "--argos", action=argparse.BooleanOptionalAction, default=True,
        help="also time Argos Translate with a package of the same model, beside our translation (default on)",
    )
    add_data_root_option(parser)
    parser.add_argument("--probe-memory", default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.probe_memory:
        print(json.dumps(probe_memory(json.loads(args.probe_memory))))
        return 0
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Read by the OpenMP runtimes when torch / ctranslate2 load, so set before importing them.
    if args.omp_wait_policy == "unset":
        os.environ.pop("OMP_WAIT_POLICY", None)
    else:
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy
    command = "python -m eval.speed " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.choices:
        payload = run_choices(args)
        payload["command"] = command.strip()
        markdown = render_choices_markdown(payload, command.strip())
        write_report(Path(args.out), CHOICES_REPORT, payload, markdown)
        print(markdown)
        print(f"\nwrote {Path(args.out) / (CHOICES_REPORT + '.json')}, {Path(args.out) / (CHOICES_REPORT + '.md')}",
              file=sys.stderr)
        return 0
    payload = run_benchmark(args)
    payload["command"] = command.strip()
    out = Path(args.out)
    markdown = render_markdown(payload, command.strip())
    write_report(out, REPORT_NAME, payload, markdown)
    charts = write_charts(out, payload)
    print(markdown)
    print(f"\nwrote {out / (REPORT_NAME + '.json')}, {out / (REPORT_NAME + '.md')}, "
          + ", ".join(str(c) for c in charts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
