"""eval.bleu: sacrebleu BLEU/chrF/chrF++ with signatures; reproduces the published FLORES-101 BLEU."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eval.bleu import main, read_lines, score_corpus
from tests.conftest import NO_DATA, ROOT, SHARED_DATA

pytestmark = pytest.mark.slow  # reproduces the published BLEU of whole test sets

FLORES = SHARED_DATA / "flores101-systems" / "devtest"
needs_flores = pytest.mark.skipif(not FLORES.exists(), reason=NO_DATA)


def published() -> list[tuple[str, float]]:
    lines = (FLORES / "published_bleu.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["system", "published_bleu"]
    return [(name, float(value)) for name, value in (line.split("\t") for line in lines[1:] if line.strip())]


@needs_flores
def test_reproduces_every_published_bleu():
    refs = [read_lines(str(FLORES / "reference.en"))]
    systems = published()
    assert len(systems) == 7
    for name, bleu in systems:
        result = score_corpus(read_lines(str(FLORES / f"{name}.en")), refs)
        assert result.n_segments == 1012
        assert abs(result.bleu - bleu) <= 0.1 + 1e-9, (name, result.bleu, bleu)
        assert result.chrf_pp < result.chrf
        if name == "opusmt":  # what `sacrebleu reference.en -i opusmt.en -m bleu chrf` prints
            assert (round(result.bleu, 2), round(result.chrf, 2)) == (33.91, 61.02)
            assert result.bleu_signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
            assert result.chrf_signature.startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:")
            assert "|nw:2|" in result.chrf_pp_signature


def test_identical_and_disjoint():
    refs = [["The cat sat on the mat today.", "A second, longer sentence about the weather in Tunis."]]
    same = score_corpus(refs[0], refs)
    assert same.bleu == pytest.approx(100.0)
    assert same.chrf == pytest.approx(100.0) and same.chrf_pp == pytest.approx(100.0)
    other = score_corpus(["xyz qqq", "zzz www"], refs)
    assert other.bleu == pytest.approx(0.0, abs=1e-6)


def test_several_reference_streams():
    hyps = ["the cat is on the mat"]
    one = score_corpus(hyps, [["there is a cat on the mat"]])
    two = score_corpus(hyps, [["there is a cat on the mat"], ["the cat is on the mat"]])
    assert two.n_refs == 2 and "nrefs:2" in two.bleu_signature
    assert two.bleu > one.bleu


def test_errors_and_to_dict():
    with pytest.raises(ValueError, match="reference stream 1 has 1 segments"):
        score_corpus(["a", "b"], [["a"]])
    with pytest.raises(ValueError, match="at least one reference"):
        score_corpus(["a"], [])
    data = json.loads(json.dumps(score_corpus(["a b c d"], [["a b c d"]]).to_dict()))
    assert set(data) >= {"bleu", "chrf", "chrf_pp", "bleu_signature", "chrf_signature", "chrf_pp_signature"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eval.bleu", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@needs_flores
def test_cli_matches_published(tmp_path):
    out = _run("--hyp", str(FLORES / "opusmt.en"), "--ref", str(FLORES / "reference.en"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:2] == ["BLEU", "33.91"] and "tok:13a" in lines[0]
    assert lines[1].split()[:2] == ["chrF", "61.02"] and "nc:6" in lines[1]
    assert lines[2].startswith("chrF++")
    out = _run("--hyp", str(FLORES / "google.en"), "--ref", str(FLORES / "reference.en"), "--json")
    assert out.returncode == 0, out.stderr
    assert abs(json.loads(out.stdout)["bleu"] - 45.1) <= 0.1


def test_cli_several_refs_in_process(tmp_path, capsys):
    hyp = tmp_path / "hyp.en"
    ref1 = tmp_path / "ref1.en"
    ref2 = tmp_path / "ref2.en"
    hyp.write_text("the cat is on the mat\n", encoding="utf-8")
    ref1.write_text("there is a cat on the mat\n", encoding="utf-8")
    ref2.write_text("the cat is on the mat\n", encoding="utf-8")
    assert main(["--hyp", str(hyp), "--ref", str(ref1), "--ref", str(ref2), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n_refs"] == 2 and data["bleu"] == pytest.approx(100.0)


def test_cli_errors(tmp_path):
    hyp = tmp_path / "hyp.en"
    ref = tmp_path / "ref.en"
    hyp.write_text("one\ntwo\n", encoding="utf-8")
    ref.write_text("one\n", encoding="utf-8")
    out = _run("--hyp", str(hyp), "--ref", str(ref))
    assert out.returncode == 2
    assert "line counts differ" in out.stderr and "Traceback" not in out.stderr
    out = _run("--hyp", str(hyp), "--ref", str(tmp_path / "missing.en"))
    assert out.returncode == 2
    assert "file not found" in out.stderr and "missing.en" in out.stderr and "Traceback" not in out.stderr
    out = _run("--help")
    assert out.returncode == 0 and "--ref" in out.stdout
