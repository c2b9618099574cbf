"""Timings of single CTranslate2 settings on the speed stand-ins, one experiment at a time.

``python -m eval.levers [EXPERIMENT ...]`` (default: all) loads the restricted int8 exports of the
stand-ins that ``python -m eval.speed`` builds (default cache; run eval.speed once first) and times one
seed article at a time with the published decoding and eval.speed's forced output lengths (84 summary
tokens, 36 per translated sentence). Experiments:

* ``split``: the summary (84 steps) against its encoder and first step alone, restricted and whole
  vocabulary, and the translation of the article's sentences;
* ``threads``: CTranslate2 with 1 and 2 intra-op threads;
* ``parallel``: the summary and the article's translation at the same time (one thread each) against
  one after the other (all threads, then one thread), the summary's translation after both;
* ``batch``: the article's translation with batches of 4, 8 (the pipeline's on the CPU), 16 and 32 sentences,
  interleaved, as the median ratio to 16;
* ``alone``: the article's translation with no summary beside it (``ALONE_SETTINGS``): one CTranslate2 worker
  on every core against two workers on one half each, the batches taken in turn by two threads
  (``Translator.translate_scored``, the pipeline's), batches of 8 and 16, interleaved, as the median ratio
  to ``one-worker16`` (the pipeline's setting before two workers), and whether the outputs are equal;
* ``merge``: the article's sentences and the summary's translated in one call (batches of 16) against
  two calls, as the pipeline does;
* ``vmap``: CTranslate2's vocabulary map (``vmap.txt`` with the restricted set, ``use_vmap=True``) on
  the whole-vocabulary export, against the trimmed export and the whole vocabulary;
* ``beams``: the article's translation with 4 beams (the published setting of both Opus-MT models, in
  their generation_config.json), 2 and 1, interleaved, as the median ratio to 4;
* ``vocab``: the article's translation on the restricted export against the whole-vocabulary one
  (interleaved; median ratio), and both exports' sizes;
* ``heap``: the models side by side on one glibc heap (the engine's ``mallopt(M_ARENA_MAX, 1)``) against a
  heap per thread (glibc's default): a fresh process per setting, in turns (``--rounds``), each loading both
  restricted exports as the pipeline does (half the cores each) and running ``--articles`` articles (summary
  beside the translation, as in ``parallel``): peak resident memory (``VmHWM``) and seconds per article;
* ``overlap``: the pipeline's article (the article's translation in a worker thread beside the summary, then
  the summary's translation) with each translation setting of ``--settings`` (``OVERLAP_SETTINGS``: the
  translation model's intra-op threads, CTranslate2 workers, batches), the summary model on one thread as the
  pipeline loads it on 2 cores; the settings take turns per article (the order rotating), ``--rounds`` times
  over ``--articles`` articles: seconds per article, the summary's and the translation's own seconds, the
  median ratio to ``waits`` (the pipeline's setting before its summary's thread joined the translation), and
  whether every output equals ``waits``'s;
* ``overlap-memory``: the same article runs in a fresh process per setting (in turns, ``--rounds``): peak
  resident memory (``VmHWM``) with both models loaded and seconds per article;
* ``backend``: CTranslate2's CPU backend, chosen by environment variables read when the library loads
  (``CT2_USE_MKL``, ``CT2_PACKED_GEMM``, ``CT2_FORCE_CPU_ISA``): one fresh process per setting, the
  settings taking turns (``--rounds``), each timing the summary and the article's translation on the
  restricted exports (variant 5) and on the whole-vocabulary ones (variant 4), ``--articles`` articles.

Prints one JSON line per measurement and a final JSON line with every figure and the load average at
the start and the end. ``--translation-choice`` picks the translation model (default: the default's,
``best``, whose stand-in ``python -m eval.speed`` builds; ``fast`` for Opus-MT ar-en). Figures from a busy machine differ by more than these settings do: run it alone
(``flock /tmp/bench.lock python -m eval.levers ...``) and read the load averages.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eval.speed import article_sentences
from eval.standins import DEFAULT_CACHE, PADDING_LAYOUT, SEEDS
from summarizer.choices import DEFAULT_TRANSLATION_CHOICE

EXPERIMENTS = ("split", "threads", "parallel", "batch", "alone", "merge", "vmap", "beams", "vocab", "heap", "backend",
               "overlap", "overlap-memory")
HEAPS = ("one", "per-thread")
# translation choice -> the folder name of its stand-in's exports under <cache>/ct2 (eval.speed writes them)
TRANSLATION_EXPORTS = {"fast": f"marian-{PADDING_LAYOUT}", "best": f"tc-big-{PADDING_LAYOUT}"}

# CTranslate2 CPU backend settings (read once, when the library loads): name -> environment.
# "default" leaves the pipeline's own choice (engines/ctranslate2_engine.py) in place.
BACKENDS = {
    "dnnl": {"CT2_USE_MKL": "0"},
    "dnnl-avx512": {"CT2_USE_MKL": "0", "CT2_FORCE_CPU_ISA": "AVX512"},
    "mkl-packed": {"CT2_USE_MKL": "1", "CT2_PACKED_GEMM": "1"},
    "mkl-unpacked": {"CT2_USE_MKL": "1", "CT2_PACKED_GEMM": "0"},
    "mkl-packed-avx512": {"CT2_USE_MKL": "1", "CT2_PACKED_GEMM": "1", "CT2_FORCE_CPU_ISA": "AVX512"},
}
_BACKEND_VARIABLES = ("CT2_USE_MKL", "CT2_PACKED_GEMM", "CT2_FORCE_CPU_ISA")

# overlap: the translation settings of the pipeline's article. name -> the translation model's intra-op threads,
# its CTranslate2 workers (``inter_threads``; 2: one call per text list, split by CTranslate2 into ``batch``-sized
# batches that the two workers translate at the same time), its batches: at most ``batch`` sentences (an int),
# "even" (as few batches of at most 16 as the pipeline makes, of equal sizes), "halves" (two batches), and with
# ``tokens``, at most that many padded source tokens per batch (the stage's ``max_batch_tokens``);
# ``summary_beside``: the summary's translation starts as soon as the summary is written, in the calling thread, on
# the second worker, while the article's translation goes on (the article's batches sent one by one, as before);
# ``joins``: as ``summary_beside``, then the calling thread takes the article's batches that are left
# (``Translator.start``, with batches of 8); ``shares``: as ``joins``, and the summary's sentences join the
# article's job, into its last batch when it has room (held for them when there are more than 2 batches: the
# pipeline's on 2 cores; its outputs may differ from the others' in the last digits, as a batch of other
# sentences may change them).
OVERLAP_SETTINGS = {
    "waits": {"threads": 1, "workers": 1, "batch": 16},  # the pipeline's on 2 cores before "joins"
    "joins": {"threads": 1, "workers": 2, "batch": 8, "joins": True},  # the pipeline's before "shares"
    "shares": {"threads": 1, "workers": 2, "batch": 8, "joins": True, "shares": True},  # the pipeline's on 2 cores
    "joins16": {"threads": 1, "workers": 2, "batch": 16, "joins": True},
    "threads2": {"threads": 2, "workers": 1, "batch": 16},
    "batch32": {"threads": 1, "workers": 1, "batch": 32},
    "even16": {"threads": 1, "workers": 1, "batch": "even"},
    "tokens": {"threads": 1, "workers": 1, "batch": 64, "tokens": 1024},
    "workers2": {"threads": 1, "workers": 2, "batch": "halves"},
    "summary-beside": {"threads": 1, "workers": 2, "batch": 16, "summary_beside": True},
}


# alone: a translation with no summary beside it. name -> (CTranslate2 workers, sentences per batch); one worker
# gets every core, two get half each and two threads.
ALONE_SETTINGS = {"one-worker16": (1, 16), "one-worker8": (1, 8), "two-workers8": (2, 8), "two-workers16": (2, 16)}


def _best(fn, *args, reps: int = 1, **kwargs) -> float:
    """The fastest of ``reps`` calls of ``fn(*args, **kwargs)``, in seconds."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return min(times)


def run(which: list[str], cache: Path, translation_choice: str = DEFAULT_TRANSLATION_CHOICE, *,
        settings: list[str] | None = None, rounds: int = 2, articles_count: int | None = None) -> dict:
    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.engines.ctranslate2_engine import CTranslate2Engine, available_cores
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.split import split_sentences
    from summarizer.stages.translate import Translator

    ct2 = cache.expanduser() / "ct2"

    def load(kind: str, suffix: str, threads: int | None = None):  # all cores unless told
        folder = TRANSLATION_EXPORTS[translation_choice] if kind == "marian" else f"{kind}-{PADDING_LAYOUT}"
        return CTranslate2Engine.load(ct2 / f"{folder}-int8{suffix}", threads=threads or available_cores())

    def emit(name: str, value) -> None:
        print(json.dumps({name: value}), flush=True)

    summary_settings = SUMMARY_DECODING.but(min_new_tokens=84, max_new_tokens=84)
    translation_settings = TRANSLATION_DECODING.but(min_new_tokens=36, max_new_tokens=36)
    articles = [article_sentences(p.read_text(encoding="utf-8")) for p in SEEDS]
    summarizer, translator = load("mt5", "-vocab-ar"), load("marian", "-vocab-en")
    leads = [AbstractiveSummarizer(summarizer).lead_input(a)[0] for a in articles]
    out: dict = {"load_average_start": os.getloadavg(), "translation_choice": translation_choice}

    if "split" in which:
        whole = load("mt5", "")
        one_step = summary_settings.but(min_new_tokens=1, max_new_tokens=1)
        rows = []
        for i, lead in enumerate(leads):
            rows.append({
                "summary": _best(summarizer.generate, [lead], summary_settings, reps=2),
                "summary_first_step": _best(summarizer.generate, [lead], one_step, reps=2),
                "summary_whole_vocabulary": _best(whole.generate, [lead], summary_settings, reps=2),
                "translation_of_sentences": _best(translator.generate, articles[i], translation_settings, reps=2),
                "sentences": len(articles[i]),
            })
            emit("split", rows[-1])
        out["split"] = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        del whole

    if "threads" in which:
        out["threads"] = {}
        for intra in (1, 2):
            s, t = load("mt5", "-vocab-ar", intra), load("marian", "-vocab-en", intra)
            out["threads"][intra] = {
                "summary": statistics.median(_best(s.generate, [x], summary_settings) for x in leads[:3]),
                "translation": statistics.median(_best(t.generate, a, translation_settings) for a in articles[:3]),
            }
            emit("threads", {intra: out["threads"][intra]})

    if "parallel" in which:
        s1, t1 = load("mt5", "-vocab-ar", 1), load("marian", "-vocab-en", 1)
        sequential, sequential_1, parallel = [], [], []
        for i in range(3):
            def one_after_the_other(i=i, s=summarizer, t=translator):
                summary = s.generate([leads[i]], summary_settings)[0]
                t.generate(articles[i], translation_settings)
                t.generate(split_sentences(summary) or ["."], translation_settings)

            def at_the_same_time(i=i):
                with ThreadPoolExecutor(2) as pool:
                    summary = pool.submit(s1.generate, [leads[i]], summary_settings)
                    english = pool.submit(t1.generate, articles[i], translation_settings)
                    text = summary.result()[0]
                    english.result()
                t1.generate(split_sentences(text) or ["."], translation_settings)

            sequential.append(_best(one_after_the_other))
            parallel.append(_best(at_the_same_time))
            sequential_1.append(_best(one_after_the_other, s=s1, t=t1))
            emit("parallel", {"article": i, "sequential": sequential[-1], "parallel": parallel[-1],
                              "sequential_one_thread": sequential_1[-1]})
        out["parallel"] = {"sequential": sequential, "parallel": parallel, "sequential_one_thread": sequential_1}

    if "batch" in which:
        sizes = (4, 8, 16, 32)
        stages = {b: Translator(translator, decoding=translation_settings, batch_size=b) for b in sizes}
        times: dict[int, list[float]] = {b: [] for b in sizes}
        for rep in range(2):
            for i, sentences in enumerate(articles):
                shift = (i + rep) % len(sizes)
                for b in sizes[shift:] + sizes[:shift]:
                    times[b].append(_best(stages[b].translate, sentences))
        out["batch"] = {b: {"median_seconds": statistics.median(times[b]),
                            "median_ratio_to_16": statistics.median(x / y for x, y in zip(times[b], times[16], strict=True))}
                        for b in sizes}
        emit("batch", out["batch"])

    if "alone" in which:
        folder = ct2 / f"{TRANSLATION_EXPORTS[translation_choice]}-int8-vocab-en"
        engines = {w: CTranslate2Engine.load(folder, share_cores=False, workers=w) for w in (1, 2)}
        stages = {name: Translator(engines[w], decoding=translation_settings, batch_size=b)
                  for name, (w, b) in ALONE_SETTINGS.items()}
        times = {name: [] for name in stages}
        english = {}
        for rep in range(rounds):
            for i, sentences in enumerate(articles):
                names = list(stages)[(i + rep) % len(stages):] + list(stages)[:(i + rep) % len(stages)]
                for name in names:
                    started = time.perf_counter()
                    english[(i, name)] = stages[name].translate(sentences)
                    times[name].append(time.perf_counter() - started)
        out["alone"] = {name: {"median_seconds": statistics.median(times[name]),
                               "median_ratio": statistics.median(
                                   x / y for x, y in zip(times[name], times["one-worker16"], strict=True)),
                               "same_outputs": all(english[(i, name)] == english[(i, "one-worker16")]
                                                   for i in range(len(articles)))}
                        for name in stages}
        emit("alone", out["alone"])
        del engines, stages

    if "merge" in which:
        stage = Translator(translator, decoding=translation_settings, batch_size=16)
        summaries = [split_sentences(summarizer.generate([lead], summary_settings)[0]) or ["."] for lead in leads]
        two, one = [], []
        for rep in range(2):
            for sentences, summary in zip(articles, summaries, strict=True):
                calls = [lambda s=sentences, t=summary: (stage.translate(s), stage.translate(t)),
                         lambda s=sentences, t=summary: stage.translate(s + t)]
                first, second = (calls if rep == 0 else calls[::-1])
                a, b = _best(first), _best(second)
                two.append(a if rep == 0 else b)
                one.append(b if rep == 0 else a)
        out["merge"] = {"two_calls": statistics.median(two), "one_call": statistics.median(one),
                        "median_ratio": statistics.median(x / y for x, y in zip(one, two, strict=True))}
        emit("merge", out["merge"])

    if "vmap" in which:
        source = ct2 / f"mt5-{PADDING_LAYOUT}-int8"
        folder = Path(tempfile.mkdtemp(prefix="levers-vmap-"))
        for path in source.iterdir():
            (folder / path.name).symlink_to(path)
        kept = json.loads((ct2 / f"mt5-{PADDING_LAYOUT}-int8-vocab-ar" / "target_vocabulary.json").read_text("utf-8"))
        (folder / "vmap.txt").write_text("\t" + " ".join(kept) + "\n", encoding="utf-8")  # empty key: always allowed
        whole = CTranslate2Engine.load(folder)
        tokenizer = whole.tokenizer
        tokens = [tokenizer.convert_ids_to_tokens(ids)
                  for ids in tokenizer(leads[:3], truncation=True, max_length=512)["input_ids"]]
        options = {"beam_size": 4, "length_penalty": 0.6, "no_repeat_ngram_size": 2, "max_decoding_length": 84,
                   "min_decoding_length": 84, "max_input_length": 0}
        runs = {
            "trimmed": (summarizer.translator, {}),
            "vmap": (whole.translator, {"use_vmap": True}),
            "whole": (whole.translator, {}),
        }
        out["vmap"] = {name: statistics.median(_best(engine.translate_batch, [x], **options, **extra) for x in tokens)
                       for name, (engine, extra) in runs.items()}
        allowed = set(kept)
        produced = whole.translator.translate_batch([tokens[0]], use_vmap=True, **options)[0].hypotheses[0]
        out["vmap"]["vmap_output_inside_the_kept_set"] = all(t in allowed for t in produced)
        emit("vmap", out["vmap"])
    if "beams" in which:
        out["beams"] = _interleaved(articles, {
            beams: Translator(translator, decoding=translation_settings.but(num_beams=beams), batch_size=16).translate
            for beams in (4, 2, 1)}, reference=4)
        emit("beams", out["beams"])

    if "vocab" in which:
        whole = load("marian", "")
        out["vocab"] = _interleaved(articles, {
            name: Translator(engine, decoding=translation_settings, batch_size=16).translate
            for name, engine in (("restricted", translator), ("whole", whole))}, reference="whole")
        out["vocab"]["export_mb"] = {name: sum(f.stat().st_size for f in engine.folder.iterdir()) / 1e6
                                     for name, engine in (("restricted", translator), ("whole", whole))}
        emit("vocab", out["vocab"])
        del whole

    if "overlap" in which:
        count = articles_count or len(articles)
        engines = overlap_engines(ct2 / f"{TRANSLATION_EXPORTS[translation_choice]}-int8-vocab-en",
                                  settings or list(OVERLAP_SETTINGS))
        out["overlap"] = run_overlap(load("mt5", "-vocab-ar", 1), engines, articles[:count], leads[:count], rounds,
                                     summary_settings, translation_settings, log=lambda row: emit("overlap", row))
        emit("overlap", out["overlap"])
    out["load_average_end"] = os.getloadavg()
    return out


class _SubBatches:
    """A ``ctranslate2.Translator`` whose ``translate_batch`` cuts each call into batches of ``size`` texts
    (CTranslate2's ``max_batch_size``), which its workers translate at the same time."""

    def __init__(self, translator):
        self.translator, self.size = translator, 0

    def translate_batch(self, source, **options):
        return self.translator.translate_batch(source, max_batch_size=self.size, **options)


def overlap_engines(folder: Path, names: list[str]) -> dict:
    """The translation engine of each ``OVERLAP_SETTINGS`` name (one per threads and workers)."""
    import ctranslate2

    from summarizer.engines.ctranslate2_engine import CTranslate2Engine
    from summarizer.engines.memory import release_free_memory

    loaded: dict = {}
    for name in names:
        setting = OVERLAP_SETTINGS[name]
        key = (setting["threads"], setting["workers"])
        if key not in loaded:
            engine = CTranslate2Engine.load(folder, threads=setting["threads"])
            if setting["workers"] > 1:  # the same export, with more workers (the first copy freed first)
                engine.translator = None
                release_free_memory()
                engine.translator = _SubBatches(ctranslate2.Translator(
                    str(folder), device="cpu", inter_threads=setting["workers"], intra_threads=setting["threads"]))
                engine.workers = setting["workers"]  # as the pipeline's: its last batch is held past 2 batches
            loaded[key] = engine
    return {name: loaded[(OVERLAP_SETTINGS[name]["threads"], OVERLAP_SETTINGS[name]["workers"])] for name in names}


def overlap_translate(engine, setting: dict, decoding):
    """``sentences -> English`` with ``setting``'s batches (``OVERLAP_SETTINGS``)."""
    from summarizer.stages.translate import Translator

    def translate(sentences: list[str]) -> list[str]:
        n = max(len(sentences), 1)
        size = {"even": math.ceil(n / math.ceil(n / 16)), "halves": math.ceil(n / 2)}.get(setting["batch"],
                                                                                          setting["batch"])
        if setting["workers"] > 1:  # one call, which CTranslate2 cuts into batches for its workers (0: uncut)
            engine.translator.size, size = (0, size) if _beside(setting) else (size, n)
        return Translator(engine, decoding=decoding, batch_size=size,
                          max_batch_tokens=setting.get("tokens")).translate(sentences)

    def start(sentences: list[str]):
        """``joins``: the article's translation as a job that more than one thread works through (with
        ``shares``, its last batch held for the summary's sentences, as the pipeline holds it)."""
        engine.translator.size = 0
        return Translator(engine, decoding=decoding, batch_size=setting["batch"]).start(
            sentences, more_to_come=bool(setting.get("shares")))

    translate.start = start  # type: ignore[attr-defined]
    return translate


def _beside(setting: dict) -> bool:
    """Whether the summary's translation starts as soon as the summary is written (``OVERLAP_SETTINGS``)."""
    return bool(setting.get("summary_beside") or setting.get("joins"))


def pipeline_article(summarizer, translate, lead: str, sentences: list[str], summary_settings,
                     setting: dict) -> tuple[dict, list]:
    """One article as the pipeline runs it on the CPU: the article's translation submitted to a worker thread,
    the summary in this one, then the summary's translation (``setting``, ``OVERLAP_SETTINGS``: with
    ``summary_beside``, as soon as the summary is written, beside the article's translation; with ``joins``,
    this thread then takes what is left of the article's batches; with ``shares``, the summary's sentences
    join the article's job, into its held last batch when they fit, and its time is the article's). Seconds
    (the whole, the summary, the article's translation, the summary's translation) and every output."""
    from summarizer.stages.split import split_sentences

    def timed(fn, *args):
        started = time.perf_counter()
        return fn(*args), time.perf_counter() - started

    summary_beside, joins, shares = _beside(setting), bool(setting.get("joins")), bool(setting.get("shares"))
    started = time.perf_counter()
    with ThreadPoolExecutor(1) as pool:
        job = translate.start(sentences) if joins else None
        english = pool.submit(timed, job.work) if job else pool.submit(timed, translate, sentences)
        try:
            (summary,), summary_seconds = timed(summarizer.generate, [lead], summary_settings)
            if shares:  # the summary's sentences join the article's job: they are translated with it
                joined, summary_translation_seconds = job.join(split_sentences(summary) or ["."]), 0.0
            elif summary_beside:
                summary_english, summary_translation_seconds = timed(translate, split_sentences(summary) or ["."])
            if job:
                job.work()
        except BaseException:
            if job:
                job.stop()
            raise
        finally:
            if job:
                job.release()
        article_english, translation_seconds = english.result()
    if job:
        article_english = [t.text for t in job.result()]
    if shares:
        summary_english = [t.text for t in job.joined_result(joined)]
    if not summary_beside:
        summary_english, summary_translation_seconds = timed(translate, split_sentences(summary) or ["."])
    seconds = time.perf_counter() - started
    return ({"seconds": seconds, "summary": summary_seconds, "translation": translation_seconds,
             "summary_translation": summary_translation_seconds}, [summary, *article_english, *summary_english])


def run_overlap(summarizer, engines: dict, articles: list[list[str]], leads: list[str], rounds: int,
                summary_settings, translation_settings, log=None) -> dict:
    """``pipeline_article`` for every setting of ``engines`` (``OVERLAP_SETTINGS`` names; ``waits`` is the
    reference), the settings taking turns on each article, the order rotating, ``rounds`` times."""
    names = list(engines)
    if "waits" not in names:
        raise ValueError("overlap compares with the setting before the summary's thread joined: include 'waits'")
    translate = {name: overlap_translate(engines[name], OVERLAP_SETTINGS[name], translation_settings)
                 for name in names}
    rows: dict[str, list[dict]] = {name: [] for name in names}
    outputs: dict = {}
    for rep in range(rounds):
        for i, (lead, sentences) in enumerate(zip(leads, articles, strict=True)):
            shift = (i + rep) % len(names)
            for name in names[shift:] + names[:shift]:
                row, texts = pipeline_article(summarizer, translate[name], lead, sentences, summary_settings,
                                              OVERLAP_SETTINGS[name])
                rows[name].append(row)
                outputs.setdefault((i, name), texts)
                if log:
                    log({"setting": name, "article": i, "round": rep, **row, "load_average": os.getloadavg()})
    result: dict = {}
    for name in names:
        result[name] = {f"median_{k}": statistics.median(r[k] for r in rows[name]) for k in rows[name][0]}
        result[name]["median_ratio"] = statistics.median(
            r["seconds"] / c["seconds"] for r, c in zip(rows[name], rows["waits"], strict=True))
        result[name]["same_outputs"] = all(outputs[(i, name)] == outputs[(i, "waits")]
                                           for i in range(len(articles)))
    return result | {"articles": len(articles), "rounds": rounds, "load_average": os.getloadavg()}


def overlap_child(cache: Path, articles: int, setting: str, translation_choice: str) -> dict:
    """In a fresh process: the summary model loaded as the pipeline loads it (half the cores, one heap), the
    translation model with ``setting``, ``articles`` articles through ``pipeline_article``: seconds per article
    and the process's peak resident memory."""
    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.engines.ctranslate2_engine import CTranslate2Engine, one_heap
    from summarizer.stages.abstractive import AbstractiveSummarizer

    one_heap()
    ct2 = cache.expanduser() / "ct2"
    summarizer = CTranslate2Engine.load(ct2 / f"mt5-{PADDING_LAYOUT}-int8-vocab-ar")
    engine = overlap_engines(ct2 / f"{TRANSLATION_EXPORTS[translation_choice]}-int8-vocab-en", [setting])[setting]
    translate = overlap_translate(engine, OVERLAP_SETTINGS[setting],
                                  TRANSLATION_DECODING.but(min_new_tokens=36, max_new_tokens=36))
    summary_settings = SUMMARY_DECODING.but(min_new_tokens=84, max_new_tokens=84)
    seconds = []
    for path in SEEDS[:articles]:
        sentences = article_sentences(path.read_text(encoding="utf-8"))
        lead = AbstractiveSummarizer(summarizer).lead_input(sentences)[0]
        seconds.append(pipeline_article(summarizer, translate, lead, sentences, summary_settings,
                                        OVERLAP_SETTINGS[setting])[0]["seconds"])
    return {"setting": setting, "seconds": seconds, "peak_mb": _peak_bytes() / 1e6}


def _peak_bytes() -> int:
    return next(int(line.split()[1]) * 1024 for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))


def run_overlap_memory(cache: Path, names: list[str], rounds: int, articles: int, translation_choice: str) -> dict:
    """``overlap_child`` in a fresh process per setting, the settings taking turns."""
    return _in_fresh_processes("overlap-memory", "--overlap-child", names, cache, rounds, articles, translation_choice)


def _interleaved(articles: list[list[str]], calls: dict, reference) -> dict:
    """Each call on every article, in turns (the order rotating), twice: median seconds and median ratio to
    ``reference``'s time on the same article and round."""
    names = list(calls)
    times: dict = {name: [] for name in names}
    for rep in range(2):
        for i, sentences in enumerate(articles):
            shift = (i + rep) % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(_best(calls[name], sentences))
    return {str(name): {"median_seconds": statistics.median(times[name]),
                        "median_ratio": statistics.median(x / y for x, y in zip(times[name], times[reference],
                                                                                strict=True))}
            for name in names} | {"load_average": os.getloadavg()}


def heap_child(cache: Path, articles: int, heap: str, translation_choice: str) -> dict:
    """In a fresh process: both restricted exports loaded side by side (half the cores each) with one heap or
    glibc's heap per thread, ``articles`` articles: the summary beside the translation, then the summary's
    translation. Seconds per article and the process's peak resident memory."""
    from summarizer.engines import ctranslate2_engine
    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.split import split_sentences
    from summarizer.stages.translate import Translator

    if heap == "per-thread":
        ctranslate2_engine.one_heap = lambda: None  # glibc's default: what the engine did before
    ct2 = cache.expanduser() / "ct2"
    summarizer = ctranslate2_engine.CTranslate2Engine.load(ct2 / f"mt5-{PADDING_LAYOUT}-int8-vocab-ar")
    translator = Translator(ctranslate2_engine.CTranslate2Engine.load(
        ct2 / f"{TRANSLATION_EXPORTS[translation_choice]}-int8-vocab-en"),
        decoding=TRANSLATION_DECODING.but(min_new_tokens=36, max_new_tokens=36), batch_size=16)
    summary_settings = SUMMARY_DECODING.but(min_new_tokens=84, max_new_tokens=84)
    seconds = []
    for path in SEEDS[:articles]:
        sentences = article_sentences(path.read_text(encoding="utf-8"))
        lead = AbstractiveSummarizer(summarizer).lead_input(sentences)[0]
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            summary = pool.submit(summarizer.generate, [lead], summary_settings)
            english = pool.submit(translator.translate, sentences)
            text = summary.result()[0]
            english.result()
        translator.translate(split_sentences(text) or ["."])
        seconds.append(time.perf_counter() - started)
    peak = next(int(line.split()[1]) * 1024 for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
    return {"heap": heap, "seconds": seconds, "peak_mb": peak / 1e6}


def run_heaps(cache: Path, rounds: int, articles: int, translation_choice: str) -> dict:
    """``heap_child`` in a fresh process per setting, the settings taking turns."""
    return _in_fresh_processes("heap", "--heap-child", list(HEAPS), cache, rounds, articles, translation_choice)


def _in_fresh_processes(experiment: str, child_flag: str, settings: list[str], cache: Path, rounds: int,
                        articles: int, translation_choice: str) -> dict:
    """``python -m eval.levers CHILD_FLAG SETTING`` in a fresh process per setting and round, the settings
    taking turns (the order reversed every other round): the median peak and seconds of each."""
    import subprocess

    out: dict = {"load_average_start": os.getloadavg(), "translation_choice": translation_choice}
    runs: dict[str, list[dict]] = {setting: [] for setting in settings}
    for r in range(rounds):
        for setting in (settings if r % 2 == 0 else settings[::-1]):
            done = subprocess.run(
                [sys.executable, "-m", "eval.levers", child_flag, setting, "--cache", str(cache),
                 "--articles", str(articles), "--translation-choice", translation_choice],
                capture_output=True, text=True, check=True)
            runs[setting].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps({"setting": setting, "round": r, **runs[setting][-1], "load_average": os.getloadavg()}),
                  flush=True)
    out[experiment] = {setting: {"peak_mb": statistics.median(run["peak_mb"] for run in done_runs),
                                 "median_seconds": statistics.median(x for run in done_runs for x in run["seconds"])}
                       for setting, done_runs in runs.items()}
    out["load_average_end"] = os.getloadavg()
    return out


def backend_child(cache: Path, articles: int, vocabularies: list[str], translation_choice: str) -> dict:
    """In a process whose CTranslate2 environment is already set: the summary and the article's
    translation, restricted (variant 5) and whole vocabulary (variant 4), one article at a time."""
    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.engines.ctranslate2_engine import CTranslate2Engine, available_cores
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.translate import Translator

    ct2 = cache.expanduser() / "ct2"
    summary_settings = SUMMARY_DECODING.but(min_new_tokens=84, max_new_tokens=84)
    translation_settings = TRANSLATION_DECODING.but(min_new_tokens=36, max_new_tokens=36)
    texts = [article_sentences(p.read_text(encoding="utf-8")) for p in SEEDS[:articles]]
    engines = {
        name: (CTranslate2Engine.load(ct2 / f"mt5-{PADDING_LAYOUT}-int8{ar}", threads=available_cores()),
               CTranslate2Engine.load(ct2 / f"{TRANSLATION_EXPORTS[translation_choice]}-int8{en}",
                                     threads=available_cores()))
        for name, ar, en in (("restricted", "-vocab-ar", "-vocab-en"), ("whole", "", ""))
        if name in vocabularies
    }
    for summary, translation in engines.values():  # warm-up (first calls allocate)
        summary.generate([texts[0][0]], summary_settings.but(min_new_tokens=4, max_new_tokens=4))
        translation.generate(texts[0][:2], translation_settings)
    rows = []
    for i, sentences in enumerate(texts):
        row = {}
        order = list(engines) if i % 2 == 0 else list(engines)[::-1]
        for name in order:
            summary, translation = engines[name]
            lead = AbstractiveSummarizer(summary).lead_input(sentences)[0]
            row[f"{name}_summary"] = _best(summary.generate, [lead], summary_settings)
            row[f"{name}_translation"] = _best(Translator(translation, decoding=translation_settings,
                                                          batch_size=16).translate, sentences)
        rows.append(row)
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]} | {"rows": rows}


def run_backends(cache: Path, names: list[str], rounds: int, articles: int, vocabularies: list[str],
                 translation_choice: str) -> dict:
    """``backend_child`` in a fresh process per setting (CTranslate2 reads them once, at load), in turns."""
    import subprocess

    base = {k: v for k, v in os.environ.items() if k not in _BACKEND_VARIABLES}
    results: dict[str, list[dict]] = {name: [] for name in names}
    out: dict = {"load_average_start": os.getloadavg()}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            env = {**base, **BACKENDS.get(name, {}), "CT2_VERBOSE": "1"}
            done = subprocess.run(
                [sys.executable, "-m", "eval.levers", "--backend-child", "--cache", str(cache),
                 "--articles", str(articles), "--translation-choice", translation_choice,
                 "--vocabularies", *vocabularies],
                env=env, capture_output=True, text=True, check=True,
            )
            child = json.loads(done.stdout.strip().splitlines()[-1])
            child["gemm"] = sorted({line.split("] ", 3)[-1].strip() for line in done.stderr.splitlines()
                                    if "backend:" in line or "Selected ISA" in line})
            results[name].append(child)
            print(json.dumps({"backend": name, "round": r, **{k: v for k, v in child.items() if k != "rows"}}),
                  flush=True)
    out["backend"] = {
        name: {k: statistics.median(run[k] for run in runs) for k in runs[0] if k not in ("rows", "gemm")}
        | {"gemm": runs[0]["gemm"]}
        for name, runs in results.items()
    }
    out["load_average_end"] = os.getloadavg()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.levers", description=__doc__.split("\n")[0])
    parser.add_argument("experiments", nargs="*", metavar="EXPERIMENT", default=list(EXPERIMENTS),
                        help=f"which to run (default all: {', '.join(EXPERIMENTS)})")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="where eval.speed keeps the stand-ins")
    parser.add_argument("--backends", nargs="+", default=["default", *BACKENDS], metavar="NAME",
                        help=f"backend: the settings to compare (default, {', '.join(BACKENDS)})")
    parser.add_argument("--rounds", type=int, default=2, help="backend, heap, overlap: turns of every setting")
    parser.add_argument("--articles", type=int, default=None,
                        help="backend, heap, overlap-memory: seed articles per process (default 2); overlap: "
                             "seed articles (default all 5)")
    parser.add_argument("--settings", nargs="+", choices=list(OVERLAP_SETTINGS), default=list(OVERLAP_SETTINGS),
                        metavar="NAME", help="overlap, overlap-memory: the translation settings to compare "
                                             f"({', '.join(OVERLAP_SETTINGS)}; 'joins' is the pipeline's, 'waits' its "
                                             "setting before, the reference)")
    parser.add_argument("--vocabularies", nargs="+", choices=("restricted", "whole"), default=["restricted", "whole"],
                        help="backend: the restricted exports (variant 5), the whole-vocabulary ones (variant 4), or both")
    parser.add_argument("--translation-choice", choices=sorted(TRANSLATION_EXPORTS), default=DEFAULT_TRANSLATION_CHOICE,
                        help=f"the translation model's stand-in (default {DEFAULT_TRANSLATION_CHOICE}, the default's)")
    parser.add_argument("--backend-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--heap-child", choices=HEAPS, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--overlap-child", choices=list(OVERLAP_SETTINGS), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    per_process = args.articles or 2
    if args.overlap_child:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        print(json.dumps(overlap_child(Path(args.cache), per_process, args.overlap_child, args.translation_choice)))
        return 0
    if args.heap_child:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        print(json.dumps(heap_child(Path(args.cache), per_process, args.heap_child, args.translation_choice)))
        return 0
    if args.backend_child:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        print(json.dumps(backend_child(Path(args.cache), per_process, args.vocabularies, args.translation_choice)))
        return 0
    unknown = sorted(set(args.experiments) - set(EXPERIMENTS))
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; choose from {', '.join(EXPERIMENTS)}")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    which = args.experiments or list(EXPERIMENTS)
    if "heap" in which:
        print(json.dumps(run_heaps(Path(args.cache), args.rounds, per_process, args.translation_choice)))
        which = [w for w in which if w != "heap"]
    if "backend" in which:
        print(json.dumps(run_backends(Path(args.cache), args.backends, args.rounds, per_process, args.vocabularies,
                                     args.translation_choice)))
        which = [w for w in which if w != "backend"]
    settings = args.settings if "waits" in args.settings else ["waits", *args.settings]
    if "overlap-memory" in which:
        print(json.dumps(run_overlap_memory(Path(args.cache), settings, args.rounds, per_process,
                                            args.translation_choice)))
        which = [w for w in which if w != "overlap-memory"]
    if which:
        print(json.dumps(run(which, Path(args.cache), args.translation_choice, settings=settings, rounds=args.rounds,
                             articles_count=args.articles)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
