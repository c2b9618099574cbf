"""The checks' findings reach every output: the Result, run --json, the readable run, batch, the
Markdown export and the Ray batch's Parquet parts; --checks off / checks="off" turns them off.

A tiny random model's English is far from what a human would write for the article (its length, its
numbers), so a seed article always gives findings: these tests assert where they go, not what they say.
"""

from __future__ import annotations

import json

import pytest

from summarizer import Pipeline
from summarizer.batch.codecs import decode_parquet, encode_parquet
from summarizer.render import to_markdown, to_text
from tests.conftest import SEEDS
from tests.test_cli import run_cli

pytestmark = pytest.mark.slow  # every surface end to end: run --json, the readable run, batch, Markdown, Parquet

ARTICLE = SEEDS[1].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pipe(tiny_marian_eos) -> Pipeline:
    return Pipeline(None, str(tiny_marian_eos), summary_method="lead", num_beams=1)


def _codes(result) -> set[str]:
    return {f.code for pair in result.translation for f in pair.findings}


def test_findings_are_typed_on_each_pair_and_in_the_record(pipe):
    result = pipe(ARTICLE)
    flagged = [p for p in result.translation if p.findings]
    assert flagged and _codes(result)
    finding = flagged[0].findings[0]
    assert finding.code and finding.message and finding.severity
    record = result.to_dict()
    assert any(pair["findings"] for pair in record["translation"])
    first = next(pair["findings"][0] for pair in record["translation"] if pair["findings"])
    assert {"code", "message", "severity", "evidence"} <= set(first)
    assert any(n["code"] == "checks-findings" for n in record["notices"])
    assert "checks" in result.timings
    json.dumps(record, ensure_ascii=False)


def test_checks_off_for_the_pipeline_and_per_call(pipe, tiny_marian_eos):
    assert not _codes(pipe(ARTICLE, checks="off"))
    off = Pipeline(None, str(tiny_marian_eos), summary_method="lead", num_beams=1, checks="off")
    result = off(ARTICLE)
    assert not _codes(result) and "checks" not in result.timings
    assert _codes(off(ARTICLE, checks="on"))


def test_readable_and_markdown_views_show_the_findings(pipe):
    result = pipe(ARTICLE)
    finding = next(f for pair in result.translation for f in pair.findings)
    assert f"[check] {finding.message}" in to_text(result, "a")  # the reader's words, not the code
    markdown = to_markdown(result)
    assert "| to check |" in markdown and finding.message.replace("|", "\\|") in markdown
    assert f"{finding.code}:" not in to_text(result, "a") + markdown


def test_an_extractive_summary_is_not_checked_against_itself(pipe):
    result = pipe(ARTICLE, summary_method="extractive")
    assert result.summary.exact and result.summary.findings == []


def test_parquet_parts_keep_the_findings(pipe):
    record = pipe(ARTICLE).to_dict()
    (back,) = decode_parquet(encode_parquet([record]))
    assert back["translation"] == record["translation"] and back["notices"] == record["notices"]
    assert back["summary"] == record["summary"]


def test_cli_run_json_batch_and_checks_off(tmp_path, tiny_marian_eos):
    model = ["--translation-model", str(tiny_marian_eos), "--summary-method", "lead", "--beams", "1"]
    on = run_cli("run", str(SEEDS[1]), "--json", *model)
    assert on.returncode == 0, on.stderr
    record = json.loads(on.stdout)
    assert any(pair["findings"] for pair in record["translation"])
    off = json.loads(run_cli("run", str(SEEDS[1]), "--json", "--checks", "off", *model).stdout)
    assert not any(pair["findings"] for pair in off["translation"])
    assert b"[check]" in run_cli("run", str(SEEDS[1]), *model).stdout
    jobs = tmp_path / "in.jsonl"
    jobs.write_text(json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_cli("batch", str(jobs), str(out), *model).returncode == 0
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert any(pair["findings"] for pair in json.loads(line)["translation"])
