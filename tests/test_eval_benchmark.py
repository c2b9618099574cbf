"""The end-to-end benchmarks: scoring helpers on hand-made data, the CLIs on the tiny models.

The tiny models are random: their outputs are gibberish, so only structure and ranges are checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval import benchmark as bench
from tests.conftest import NO_DATA, ROOT, SHARED_DATA

pytestmark = pytest.mark.slow  # the benchmark command lines end to end on the tiny models

NTREX = SHARED_DATA / "ntrex128" / "dev.jsonl"
FLORES = SHARED_DATA / "flores200" / "devtest.jsonl"
ANT = SHARED_DATA / "ant-headlines" / "dev.jsonl"
needs_data = pytest.mark.skipif(
    not (NTREX.is_file() and FLORES.is_file() and ANT.is_file()), reason=NO_DATA
)
# Random models never stop on their own: cap the output so that a run takes seconds.
FAST = ["--limit", "3", "--beams", "1", "--max-new-tokens", "8", "--no-progress"]
BLEU_KEYS = {"bleu", "chrf", "chrf_pp", "bleu_signature", "chrf_signature", "chrf_pp_signature", "n_segments"}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_VERBOSITY": "error",
        "PYTHONPATH": str(ROOT),
        "OMP_NUM_THREADS": "1",  # tiny models: threads only add overhead on a busy 2-core machine
    }
    return subprocess.run(
        [sys.executable, "-m", "eval.benchmark", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- scoring helpers on hand-made data -----------------------------------------------------------


def test_document_level_perfect_hypothesis_scores_100():
    refs = [["The cat sat on the mat.", "It was happy."], ["Rain fell all day long in the city."]]
    result = bench.score_documents(refs, refs)
    assert result.bleu == pytest.approx(100.0)
    assert result.chrf == pytest.approx(100.0)
    assert result.chrf_pp == pytest.approx(100.0)
    assert result.n_segments == 2


def test_document_level_ignores_how_the_hypothesis_was_split():
    refs = [["The cat sat on the mat.", "It was happy."], ["Rain fell all day long in the city."]]
    hyps = [["The cat sat", "on the mat. It was happy."], "Rain fell  all day long in the city."]
    assert bench.score_documents(hyps, refs).bleu == pytest.approx(100.0)
    # Sentence by sentence the same words score far lower: the split is punished there.
    flat_hyp = ["The cat sat", "on the mat. It was happy.", "Rain fell all day long in the city."]
    flat_ref = ["The cat sat on the mat.", "It was happy.", "Rain fell all day long in the city."]
    assert bench.score_corpus(flat_hyp, [flat_ref]).bleu < 80


def test_document_level_rejects_mismatched_counts():
    with pytest.raises(ValueError):
        bench.score_documents([["a"]], [["a"], ["b"]])


def test_join_document_drops_blanks_and_folds_whitespace():
    assert bench.join_document([" a  b\r", "", "  ", "c\n"]) == "a b c"


def test_load_parallel_keeps_pairs_aligned(tmp_path: Path):
    path = tmp_path / "docs.jsonl"
    rows = [
        {"id": 1, "ar": ["جملة.\r", "  ", "ثانية."], "en": ["One.\r", "blank ar", "Two."]},
        {"id": 2, "ar": [], "en": []},
        {"id": 3, "ar": ["ثالثة."], "en": ["Three."]},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    docs = bench.load_parallel(path)
    assert [d.id for d in docs] == ["1", "3"]
    assert docs[0].ar == ("جملة.", "ثانية.") and docs[0].en == ("One.", "Two.")
    assert [d.id for d in bench.load_parallel(path, limit=1)] == ["1"]


def test_scorings_always_include_the_default():
    assert [s["name"] for s in bench.scorings_for("none", False)] == ["default"]
    names = [s["name"] for s in bench.scorings_for("snowball", True)]
    assert names == ["default", "stem=snowball+normalize"]
    assert [s["name"] for s in bench.scorings_for("none", True)] == ["default", "normalize"]


# --- the pure core on the tiny models ------------------------------------------------------------


@needs_data
def test_run_translate_on_flores(tiny_marian: Path):
    pipeline = bench.translate_pipeline(str(tiny_marian), beams=1, max_new_tokens=4)
    docs = bench.load_parallel(FLORES, limit=2)
    results = bench.run_translate(pipeline, docs)
    gold = sum(len(d.ar) for d in docs)
    assert results["sentences"]["gold"] == gold
    assert results["scores"]["sentence_gold_split"]["n_segments"] == gold
    assert results["scores"]["document_pipeline"]["n_segments"] == len(docs)
    assert len(results["outputs"]) == len(docs)
    for out, doc in zip(results["outputs"], docs, strict=True):
        assert len(out["gold_split_translation"]) == len(doc.ar)
        assert len(out["translation"]) == len(out["sentences"])


@needs_data
def test_run_summarize_reports_a_missing_model_as_unavailable(tmp_path: Path):
    pipelines = bench.summary_pipelines(str(tmp_path / "no-such-model"))
    assert pipelines["abstractive"].summarizer is None
    results = bench.run_summarize(pipelines, bench.load_headlines(ANT, limit=2), n_resamples=10)
    abstractive = results["methods"]["abstractive"]
    assert abstractive["available"] is False
    assert "does not exist" in abstractive["reason"] and "Falling back" not in abstractive["reason"]
    # Never the fallback's figures under the abstractive label.
    assert "scores" not in abstractive
    assert all(results["methods"][m]["available"] for m in ("extractive", "lead-1", "lead-2"))


# --- the CLI end to end --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translate_run(tiny_marian: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    if not NTREX.is_file():
        pytest.skip(NO_DATA)
    out = tmp_path_factory.mktemp("bench") / "translate"
    proc = run_cli(
        "--task", "translate", "--data", str(NTREX), "--translation-model", str(tiny_marian),
        "--out", str(out), *FAST, cwd=ROOT,
    )  # fmt: skip
    return proc, out


@pytest.fixture(scope="module")
def summarize_run(tiny_mt5: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    if not ANT.is_file():
        pytest.skip(NO_DATA)
    out = tmp_path_factory.mktemp("bench") / "summarize"
    proc = run_cli(
        "--task", "summarize", "--data", str(ANT), "--summary-model", str(tiny_mt5),
        "--stem", "--normalize", "--json", "--out", str(out), *FAST, cwd=ROOT,
    )  # fmt: skip
    return proc, out


@needs_data
def test_translate_cli_writes_a_full_report(translate_run, tiny_marian: Path):
    proc, out = translate_run
    assert proc.returncode == 0, proc.stderr
    for name in ("benchmark-translate.json", "benchmark-translate.md", "benchmark-translate_scores.png"):
        assert (out / name).is_file(), name
    assert (out / "benchmark-translate_scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The Markdown table is printed at the end.
    assert "| level | Arabic split | segments | BLEU | chrF | chrF++ |" in proc.stdout
    assert "| sentence | gold |" in proc.stdout

    report = json.loads((out / "benchmark-translate.json").read_text(encoding="utf-8"))
    assert {"task", "models", "settings", "published", "results", "environment"} <= set(report)
    assert report["models"]["translation"]["id"] == str(tiny_marian)
    assert report["settings"]["beams"] == 1 and report["settings"]["limit"] == 3
    assert report["settings"]["translation_decoding"]["num_beams"] == 1
    assert report["environment"]["libraries"]["sacrebleu"]
    results = report["results"]
    assert results["documents"] == 3
    assert set(results["scores"]) == {"document_pipeline", "document_gold_split", "sentence_gold_split"}
    for scores in results["scores"].values():
        assert set(scores) >= BLEU_KEYS
        for key in ("bleu", "chrf", "chrf_pp"):
            assert 0.0 <= scores[key] <= 100.0
    assert results["scores"]["document_pipeline"]["n_segments"] == 3
    sentences = results["sentences"]
    assert sentences["gold"] == results["scores"]["sentence_gold_split"]["n_segments"] > 3
    assert sentences["split"] > 0
    assert 0 <= sentences["documents_same_count"] <= 3
    assert sentences["boundary_f1"] is None or 0.0 <= sentences["boundary_f1"] <= 1.0
    assert results["seconds_per_article"]["mean"] > 0
    assert len(results["per_document"]) == 3
    assert "outputs" not in results
    outputs = (out / "outputs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(outputs) == 3 and "gold_split_translation" in json.loads(outputs[0])


@needs_data
def test_summarize_cli_scores_all_four_methods(summarize_run, tiny_mt5: Path):
    proc, out = summarize_run
    assert proc.returncode == 0, proc.stderr
    for name in (
        "benchmark-summarize.json",
        "benchmark-summarize.md",
        "benchmark-summarize_rouge_default.png",
    ):
        assert (out / name).is_file(), name
    assert list(out.glob("benchmark-summarize_rouge_stem-snowball*.png"))

    report = json.loads(proc.stdout)  # --json prints the report
    assert report == json.loads((out / "benchmark-summarize.json").read_text(encoding="utf-8"))
    assert report["models"]["summary"]["id"] == str(tiny_mt5)
    assert report["settings"]["summary_decoding"]["num_beams"] == 1
    results = report["results"]
    assert results["articles"] == 3
    assert [s["name"] for s in results["scorings"]] == ["default", "stem=snowball+normalize"]
    assert set(results["methods"]) == {"abstractive", "extractive", "lead-1", "lead-2"}
    for label, method in results["methods"].items():
        assert method["available"] is True, label
        assert set(method["scores"]) == {"default", "stem=snowball+normalize"}
        for scoring in method["scores"].values():
            assert scoring["n_pairs"] == 3
            for metric in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
                assert 0.0 <= scoring["scores"][metric]["fmeasure"] <= 1.0
        assert method["seconds_per_article"]["mean"] >= 0
    assert results["methods"]["abstractive"]["produced_as"] == ["abstractive-lead"]
    assert results["methods"]["abstractive"]["model"]["id"] == str(tiny_mt5)
    assert results["methods"]["lead-2"]["produced_as"] == ["lead-2"]
    # Lead summaries are the article's own words: they share some with the headline.
    assert results["methods"]["lead-1"]["scores"]["default"]["scores"]["rouge1"]["fmeasure"] > 0
    markdown = (out / "benchmark-summarize.md").read_text(encoding="utf-8")
    assert "| abstractive | abstractive-lead |" in markdown


@needs_data
def test_summarize_cli_without_the_default_model_reports_abstractive_unavailable(tmp_path: Path):
    proc = run_cli(
        "--task", "summarize", "--out", str(tmp_path / "r"), "--limit", "2", "--no-progress", cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert "| abstractive | unavailable |" in proc.stdout
    assert "abstractive is unavailable" in proc.stderr
    report = json.loads((tmp_path / "r" / "benchmark-summarize.json").read_text(encoding="utf-8"))
    assert report["results"]["methods"]["abstractive"]["available"] is False
    assert report["models"]["summary"] == {
        "id": "csebuetnlp/mT5_multilingual_XLSum",
        "engine": None,
        "loaded": False,
    }


@needs_data
def test_missing_model_folder_is_one_line_and_exit_2(tmp_path: Path):
    missing = tmp_path / "no-such-model"
    proc = run_cli(
        "--task", "translate", "--translation-model", str(missing), "--out", str(tmp_path / "r"), "--limit", "1",
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("python -m eval.benchmark: error: Could not load the translation model")
    assert str(missing) in lines[0]
    assert not (tmp_path / "r").exists()


@needs_data
def test_a_named_summary_model_that_cannot_load_is_an_error(tmp_path: Path, capsys):
    missing = tmp_path / "no-such-model"
    code = bench.main(
        ["--task", "summarize", "--summary-model", str(missing), "--out", str(tmp_path / "r"), "--limit", "1"]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith("python -m eval.benchmark: error: Could not load the summary model")
    assert not (tmp_path / "r").exists()


def test_help_names_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--task",
        "--summary-model",
        "--translation-model",
        "--engine",
        "--limit",
        "--beams",
        "--out",
        "--json",
        "translate",
        "summarize",
    ):
        assert option in out


def test_missing_data_file_is_a_usage_error(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--task", "translate", "--data", str(tmp_path / "none.jsonl")])
    assert exit_info.value.code == 2
    assert "data file not found" in capsys.readouterr().err
