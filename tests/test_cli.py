"""The command line, run as a user would (subprocesses), incl. a batch killed with -9 and resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the command line in subprocesses, each loading the models

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[1]


def run_cli(*args: str, stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "summarizer", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=env, cwd=ROOT)


def model_args(tiny_mt5, tiny_marian) -> list[str]:
    return ["--summary-model", str(tiny_mt5), "--translation-model", str(tiny_marian), "--beams", "1"]


def test_split_prints_one_sentence_a_line():
    out = run_cli("split", str(SEED))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert len(lines) > 10 and all(line.strip() for line in lines)


def test_split_reads_stdin():
    out = run_cli("split", "-", stdin="قال لافروف.ونقلت الوكالة الخبر. وانتهى".encode())
    assert out.stdout.decode().splitlines() == ["قال لافروف.", "ونقلت الوكالة الخبر.", "وانتهى"]


def test_split_names_a_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "cp1256.txt"
    bad.write_bytes("قال لافروف".encode("cp1256"))
    out = run_cli("split", str(bad))
    assert out.returncode == 2
    err = out.stderr.decode()
    assert "cp1256.txt" in err and "not UTF-8" in err and "Traceback" not in err


def test_run_json_lines(tiny_mt5, tiny_marian_eos):
    out = run_cli("run", str(SEED), str(SEED), "--json", *model_args(tiny_mt5, tiny_marian_eos))
    assert out.returncode == 0, out.stderr.decode()
    records = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(records) == 2
    for record in records:
        assert record["summary_ar"] and len(record["translation"]) == len(record["sentences"])


def test_run_readable_output_and_extractive(tiny_mt5, tiny_marian_eos):
    out = run_cli("run", str(SEED), "--summary-method", "extractive", *model_args(tiny_mt5, tiny_marian_eos))
    text = out.stdout.decode()
    assert out.returncode == 0 and "Arabic summary (extractive-lexrank)" in text and "Sentences" in text


def test_run_missing_model_is_one_clear_line(tmp_path, tiny_mt5):
    out = run_cli("run", str(SEED), "--summary-model", str(tiny_mt5), "--translation-model",
                  str(tmp_path / "nowhere"))
    err = out.stderr.decode()
    assert out.returncode == 2 and "model error" in err and "nowhere" in err and "Traceback" not in err


def test_run_bad_input_exit_status(tmp_path, tiny_mt5, tiny_marian_eos):
    english = tmp_path / "english.txt"
    english.write_text("This is an English text.")
    out = run_cli("run", str(english), str(SEED), "--json", *model_args(tiny_mt5, tiny_marian_eos))
    assert out.returncode == 1
    records = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert "Arabic" in records[0]["error"] and records[1]["summary_ar"]


def _write_jobs(path: Path, n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    ids = [f"doc-{i:02d}" for i in range(n)]
    with path.open("w", encoding="utf-8") as handle:
        for i, doc_id in enumerate(ids):
            handle.write(json.dumps({"id": doc_id, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
        handle.write(json.dumps({"id": "empty", "text": "  "}) + "\n")
        handle.write("{not json\n")
    return [*ids, "empty", f"line-{n + 2}"]


def test_batch_killed_and_resumed_has_every_id_once(tmp_path, tiny_mt5, tiny_marian_eos):
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out.jsonl"
    ids = _write_jobs(jobs, 16)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "summarizer", "batch", str(jobs), str(out), "--group-size", "2", "--quiet",
           *model_args(tiny_mt5, tiny_marian_eos)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 5:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = out.read_bytes().count(b"\n") if out.exists() else 0
    assert written < len(ids), "the batch finished before it could be killed: make it longer"
    with out.open("ab") as handle:  # as if killed in the middle of writing a line
        handle.write(b'{"id": "doc-torn", "summ')
    resumed = run_cli("batch", str(jobs), str(out), "--resume", "--quiet", *model_args(tiny_mt5, tiny_marian_eos))
    assert resumed.returncode == 1, resumed.stderr.decode()  # the empty and broken records failed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == sorted(ids)
    failed = {r["id"]: r["error"] for r in records if r.get("error")}
    assert set(failed) == {"empty", f"line-{len(ids)}"}
    assert "not valid JSON" in failed[f"line-{len(ids)}"]


def test_batch_folder_of_txt_names_bad_files(tmp_path, tiny_mt5, tiny_marian_eos):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(folder), str(out), "--quiet", "--summary-method", "lead",
                     *model_args(tiny_mt5, tiny_marian_eos))
    assert result.returncode == 1
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records["good"]["summary_ar"] and "latin1.txt" in records["latin1"]["error"]


@pytest.mark.parametrize("args", [["run"], ["batch", "x"], ["frobnicate"]])
def test_usage_errors(args):
    assert run_cli(*args).returncode == 2
