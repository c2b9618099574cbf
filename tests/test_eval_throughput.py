"""eval.throughput on the tiny models: the run, its report, and a clear refusal without a GPU."""

from __future__ import annotations

import json

import pytest

from eval import throughput

pytestmark = pytest.mark.slow  # eval.throughput end to end on both engines


def test_throughput_runs_both_engines_and_reports_the_device(tmp_path, capsys):
    out = tmp_path / "report"
    code = throughput.main(["--device", "cpu", "--tiny", "--articles", "3", "--beams", "1", "--summary-tokens", "4",
                            "--translation-tokens", "4", "--out", str(out), "--cache", str(tmp_path / "cache")])
    assert code == 0
    payload = json.loads((out / "throughput.json").read_text(encoding="utf-8"))
    assert payload["device"]["device"] == "cpu" and payload["device"]["cores"] >= 1
    engines = payload["engines"]
    assert set(engines) == {"transformers", "ctranslate2"}
    assert all(e["articles"] == 3 and e["failed"] == 0 and e["articles_per_second"] > 0 for e in engines.values())
    assert engines["ctranslate2"]["vs_transformers"] > 0
    assert "| engine | articles |" in (out / "throughput.md").read_text(encoding="utf-8")


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="a GPU is here: the refusal cannot happen")
def test_cuda_without_a_gpu_is_one_clear_line(capsys):
    assert throughput.main(["--device", "cuda", "--tiny"]) == 2
    err = capsys.readouterr().err
    assert "no CUDA GPU" in err and "--device cpu" in err and len(err.strip().splitlines()) == 1
