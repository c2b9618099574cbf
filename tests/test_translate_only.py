"""Translation without a summary, everywhere: the ``none`` summary method, ``Pipeline.translate``,
``summarizer translate``, ``summarizer batch --no-summary`` and the page's choice; no summary model is
loaded for it."""

from __future__ import annotations

import json

import pytest

from summarizer import Pipeline
from summarizer import web as webapp
from summarizer.cli import main as cli_main
from summarizer.errors import InputError, OptionError
from summarizer.result import TRANSLATION_KEYS
from summarizer.stages.methods import METHODS
from summarizer.web.page import summary_notes
from tests.test_app import FAST
from tests.test_cli import SEED, run_cli

pytestmark = pytest.mark.slow  # translation without a summary through every surface, the command line included

ARTICLE = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل. وأضاف أن الوفد وصل إلى العاصمة مساء أمس."


@pytest.fixture(scope="module")
def pipeline(tiny_mt5, tiny_marian) -> Pipeline:
    return Pipeline(str(tiny_mt5), str(tiny_marian), num_beams=1)


def test_translate_makes_no_summary_and_the_same_translation_as_a_full_run(pipeline, monkeypatch):
    full = pipeline(ARTICLE, summary_method="lead")
    monkeypatch.setattr(pipeline.summarizer, "summarize", lambda *a, **k: pytest.fail("the summary model ran"))
    result = pipeline.translate(ARTICLE)
    assert result.summary_method == "none" and result.summary_ar == result.summary_en == ""
    assert result.sentences == full.sentences
    assert [(p.ar, p.en, p.score) for p in result.translation] == [(p.ar, p.en, p.score) for p in full.translation]
    assert all(p.en for p in result.translation) and result.translation_text
    assert not any(n.code == "summary-empty" for n in result.notices)  # no fallback on the empty summary
    assert result.summary.findings == [] and result.summary.english_findings == []
    assert "summary_en" not in result.timings


def test_a_translation_only_pipeline_loads_no_summary_model(tiny_marian):
    pipeline = Pipeline("no-such-org/no-such-mt5", str(tiny_marian), summary_method="none")  # HF_HUB_OFFLINE=1
    assert pipeline.summarizer is None and "summary" not in pipeline.load_errors
    result = pipeline(ARTICLE)
    assert result.summary_method == "none" and len(result.translation) == 2
    assert pipeline.translate(ARTICLE).to_dict()["translation"] == result.to_dict()["translation"]


def test_translate_needs_a_translation_model_and_checks_its_input(pipeline):
    with pytest.raises(OptionError):
        Pipeline(None, None, summary_method="lead").translate(ARTICLE)
    with pytest.raises(InputError) as empty:
        pipeline.translate("")
    assert empty.value.code is None and "empty" in str(empty.value)


def test_the_cli_translates_files_and_stdin_with_aligned_and_json_output(tiny_marian_eos):
    args = ["--translation-model", str(tiny_marian_eos), "--beams", "1",
            "--summary-model", "no-such-org/no-such-mt5"]  # never loaded: the run would warn about it
    out = run_cli("translate", str(SEED), "--json", *args)
    assert out.returncode == 0, out.stderr.decode()
    (record,) = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert tuple(record) == TRANSLATION_KEYS and record["id"] == str(SEED)
    assert [p["ar"] for p in record["translation"]] == record["sentences"] and len(record["sentences"]) > 5
    assert {"ar", "en", "score", "findings", "repair"} == set(record["translation"][0])
    assert not {n["code"] for n in record["notices"]} & {"summary-model-missing", "summary-empty"}

    text = run_cli("translate", "-", *args, stdin=ARTICLE.encode())
    assert text.returncode == 0, text.stderr.decode()
    lines = text.stdout.decode().splitlines()
    assert lines[0] == "=== -" and "Arabic summary" not in text.stdout.decode()
    assert lines[1] == "Sentences (2):" and lines[2].startswith("  1. قال الوزير")
    assert lines[3].startswith("     ")  # the English under its Arabic

    bad = run_cli("translate", "--no-translate", "-", stdin=ARTICLE.encode())
    assert bad.returncode == 2 and "drop --no-translate" in bad.stderr.decode()


def test_batch_no_summary_is_summary_method_none(tiny_marian, tmp_path, capsys):
    jobs = tmp_path / "in.jsonl"
    jobs.write_text(json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False) + "\n", encoding="utf-8")
    code = cli_main(["batch", str(jobs), str(tmp_path / "out.jsonl"), "--no-summary", "--quiet", "--beams", "1",
                     "--translation-model", str(tiny_marian), "--summary-model", "no-such-org/no-such-mt5"])
    assert code == 0, capsys.readouterr().err
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["summary_method"] == "none" and record["summary_ar"] == "" and len(record["translation"]) == 2
    from summarizer.cli import build_parser

    assert build_parser().parse_args(["batch", "i", "o"]).summary_method == "abstractive"  # the default is kept


def test_the_page_offers_translation_only_and_loads_no_summary_model(tiny_marian, seed_texts):
    state = webapp.load_app("no-such-org/no-such-mt5", str(tiny_marian), summary_method="none", **FAST)
    assert state.service.pipeline.summarizer is None and state.notices == []  # no "extractive only" notice
    assert ("No summary: translation only", "none") in webapp.method_choices(state)
    assert list(METHODS)[-1] == "none"  # last in the selector
    out = webapp.summarize(state, seed_texts[0], "none", None)
    assert out.status.startswith("✔ **Done**") and out.summary_ar == out.summary_en == ""
    assert out.result["summary_method"] == "none" and all(p["en"] for p in out.result["translation"])
    note_ar, note_en = summary_notes(state, out.typed, "none")
    assert note_ar == "No summary: translation only" and "not loaded" not in note_en
