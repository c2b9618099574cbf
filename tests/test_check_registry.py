"""Checks as a registry: a check registered in a few lines runs on every output of its kind and shows on
every surface.

The toy checks below are the whole extension (no other file edited): the pipeline runs them, their
findings reach ``run --json``, the Markdown export and the page's sentence table, and the catalogue of
codes (``CATALOGUE``, ``SEVERITY_OF``) is read from what is registered. Each fixture unregisters its
check, so no test leaves a code behind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summarizer import Pipeline
from summarizer.checks.findings import Finding
from summarizer.checks.registry import ARTICLE as WHOLE_ARTICLE
from summarizer.checks.registry import (
    CATALOGUE,
    CHECKS,
    PAIR,
    SEVERITY_OF,
    SUMMARY,
    SUMMARY_TRANSLATION,
    FindingCode,
    checks_of,
    register_check,
    unregister_check,
)
from tests.conftest import ROOT, SEEDS

ARTICLE = SEEDS[1].read_text(encoding="utf-8")
TOY = "toy-seen"
BUILT_IN_CODES = [
    "number-mismatch", "number-unsupported", "repetition-loop", "length-ratio", "untranslated", "copy-through",
    "summary-unsupported", "summary-new-name", "summary-coverage", "short-article", "negation-mismatch",
    "name-unsupported", "name-missing",
]


@pytest.fixture
def toy_check():
    """A check of each sentence pair that flags every English sentence, with a code of its own."""

    @register_check("toy", looks_at=PAIR, codes={TOY: FindingCode("info", "The toy check read this sentence.")})
    def toy(arabic: str, english: str) -> list[Finding]:
        return [Finding(TOY, f"The toy check read {len(english)} characters.", evidence={"chars": len(english)})]

    yield TOY
    unregister_check("toy")


@pytest.fixture
def toy_summary_checks():
    """A check of the summary against the article and one of the English summary against the Arabic."""

    @register_check("toy-summary", looks_at=SUMMARY,
                    codes={"toy-summary": FindingCode("warning", "The toy check read the summary.")})
    def summary(article_sentences: list[str], summary: str, *, read_fraction: float | None = None) -> list[Finding]:
        return [Finding("toy-summary", f"The toy check read a summary of {len(article_sentences)} sentences.")]

    @register_check("toy-english-summary", looks_at=SUMMARY_TRANSLATION, reuses=("toy-summary",))
    def english(arabic_summary: str, english_summary: str) -> list[Finding]:
        return [Finding("toy-summary", "The toy check read the English summary.")]

    yield "toy-summary"
    unregister_check("toy-english-summary")
    unregister_check("toy-summary")


@pytest.fixture(scope="module")
def lead_pipe(tiny_marian_eos) -> Pipeline:
    return Pipeline(None, str(tiny_marian_eos), summary_method="lead", num_beams=1)


def _toy_findings(translation) -> list:
    return [f for pair in translation for f in pair["findings"] if f["code"] == TOY]


# -- the surfaces ------------------------------------------------------------------------------------
def test_a_registered_check_shows_in_run_json(toy_check, tiny_marian_eos, capsys):
    from summarizer import cli

    status = cli.main(["run", str(SEEDS[1]), "--json", "--translation-model", str(tiny_marian_eos),
                       "--summary-method", "lead", "--beams", "1"])
    assert status == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    found = _toy_findings(record["translation"])
    assert len(found) == sum(1 for pair in record["translation"] if pair["en"].strip())
    assert found[0] == {"code": TOY, "message": found[0]["message"], "severity": "info",
                        "sentence": None, "evidence": {"chars": found[0]["evidence"]["chars"]}}
    (flagged,) = [n for n in record["notices"] if n["code"] == "checks-findings"]
    assert TOY in flagged["params"]["codes"].split(", ")


def test_a_registered_check_shows_in_the_markdown_export_and_on_the_page(toy_check, tiny_marian_eos):
    from summarizer import web

    state = web.load_app(None, str(tiny_marian_eos), summary_method="lead", num_beams=1, warm=False)
    out = web.summarize(state, ARTICLE, "lead", None)
    assert _toy_findings(out.result["translation"])
    reason = "The toy check read "  # the message, in a reader's words: the code stays in the JSON
    markdown = Path(out.markdown_file).read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 1 and reason in rows[0] and TOY not in rows[0]  # the sentence's "to check" cell
    first_row = re.search(r'<tr id="sentence-1".*?</tr>', out.aligned, re.DOTALL)
    assert first_row and 'class="finding-mark"' in first_row.group(0) and reason in first_row.group(0)
    assert TOY not in first_row.group(0) and ".;" not in first_row.group(0)


def test_checks_of_each_kind_run_on_their_outputs(toy_summary_checks, tiny_mt5, tiny_marian_eos):
    pipe = Pipeline(str(tiny_mt5), str(tiny_marian_eos), summary_method="abstractive", num_beams=1)
    results = [pipe(seed.read_text(encoding="utf-8")) for seed in SEEDS]
    written = [r for r in results if not r.summary.exact and r.summary_ar.strip() and r.summary_en.strip()]
    assert written, "the tiny mT5 wrote no summary of its own"
    for result in written:
        assert [f.message for f in result.summary.findings if f.code == "toy-summary"] == \
            [f"The toy check read a summary of {len(result.sentences)} sentences."]
        assert [f.message for f in result.summary.english_findings if f.code == "toy-summary"] == \
            ["The toy check read the English summary."]
        assert not any(f.code == "toy-summary" for pair in result.translation for f in pair.findings)
    off = pipe(SEEDS[0].read_text(encoding="utf-8"), checks="off")
    assert off.summary.findings == off.summary.english_findings == []


def test_checks_off_turns_a_registered_check_off(toy_check, lead_pipe):
    assert _toy_findings(lead_pipe(ARTICLE).to_dict()["translation"])
    assert not _toy_findings(lead_pipe(ARTICLE, checks="off").to_dict()["translation"])


# -- the catalogue -----------------------------------------------------------------------------------
def test_the_catalogue_is_read_from_the_registry(toy_check):
    assert list(CATALOGUE) == [*BUILT_IN_CODES, TOY]
    assert CATALOGUE[TOY] == "The toy check read this sentence." and SEVERITY_OF[TOY] == "info"
    assert Finding(TOY, "x").severity == "info"  # a finding's severity defaults to its code's
    assert CHECKS["toy"].codes == (TOY,) and CHECKS["toy"] in checks_of(PAIR)


def test_unregistering_takes_the_codes_out_of_the_catalogue(toy_check):
    unregister_check("toy")
    assert list(CATALOGUE) == BUILT_IN_CODES and "toy" not in CHECKS
    with pytest.raises(ValueError):
        Finding(TOY, "a code no check gives any more")
    register_check("toy", looks_at=PAIR, codes={TOY: FindingCode("info", "again")})(lambda ar, en: [])


def test_the_built_in_checks_and_what_they_look_at():
    assert {name: check.looks_at for name, check in CHECKS.items()} == {
        "translation": PAIR, "summary": SUMMARY, "summary-translation": SUMMARY_TRANSLATION,
        "negation": PAIR, "summary-negation": SUMMARY_TRANSLATION,
        "names": PAIR, "names-summary-translation": SUMMARY_TRANSLATION, "names-summary": SUMMARY,
        "article-names": WHOLE_ARTICLE}
    assert list(CATALOGUE) == BUILT_IN_CODES
    assert CHECKS["summary"].codes == ("summary-unsupported", "summary-new-name", "summary-coverage",
                                       "short-article", "number-unsupported")
    assert CHECKS["summary-translation"].codes == CHECKS["translation"].codes == tuple(BUILT_IN_CODES[:6])


def test_the_docs_table_lists_every_registered_code_with_its_severity():
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \|", (ROOT / "docs" / "checks.md").read_text(encoding="utf-8"),
                      re.MULTILINE)
    assert rows == [(code, SEVERITY_OF[code]) for code in CATALOGUE]


# -- what is refused ---------------------------------------------------------------------------------
def test_a_code_registered_twice_is_an_error(toy_check):
    before = (dict(CHECKS), dict(CATALOGUE))
    with pytest.raises(ValueError, match="registered"):
        register_check("other", looks_at=PAIR, codes={TOY: FindingCode("error", "the same code")})
    with pytest.raises(ValueError, match="registered"):
        register_check("other", looks_at=PAIR, codes={"number-mismatch": FindingCode("error", "a built-in")})
    assert (dict(CHECKS), dict(CATALOGUE)) == before  # a refused registration registers nothing


@pytest.mark.parametrize(("kwargs", "why"), [
    ({"name": "translation", "looks_at": PAIR}, "registered"),  # a name registered twice
    ({"name": "x", "looks_at": "the article"}, "looks_at"),
    ({"name": "x", "looks_at": PAIR, "codes": {"x-code": FindingCode("fatal", "no such severity")}}, "severity"),
    ({"name": "x", "looks_at": PAIR, "reuses": ("no-such-code",)}, "no-such-code"),
])
def test_a_registration_that_cannot_hold_is_an_error(kwargs, why):
    with pytest.raises(ValueError, match=why):
        register_check(**kwargs)
    assert "x" not in CHECKS and "x-code" not in CATALOGUE


def test_a_finding_with_an_unregistered_code_is_an_error():
    with pytest.raises(ValueError, match="unknown finding code"):
        Finding("no-such-code", "x")
    with pytest.raises(ValueError, match="unknown check"):
        unregister_check("no-such-check")


def test_an_article_check_sees_every_pair_at_once_and_adds_to_their_findings(tiny_mt5, tiny_marian):
    """A check of the whole article (``ARTICLE``) runs after the pair checks, on the pairs with an English,
    and what it returns is each pair's findings: here a toy that flags the last sentence."""
    seen = []

    @register_check("toy-article", looks_at=WHOLE_ARTICLE, codes={"toy-last": FindingCode("info", "The last one.")})
    def toy(pairs, findings):
        seen.append(len(pairs))
        return [[*found, *([Finding("toy-last", "The last sentence.")] if i == len(pairs) - 1 else [])]
                for i, found in enumerate(findings)]

    try:
        pipeline = Pipeline(summary_model=None, translation_model=str(tiny_marian), summary_method="lead")
        result = pipeline(SEEDS[0].read_text(encoding="utf-8"))
        marked = [i for i, pair in enumerate(result.translation) if any(f.code == "toy-last" for f in pair.findings)]
        checked = [i for i, pair in enumerate(result.translation) if pair.en.strip()]
        assert seen == [len(checked)] and marked == checked[-1:]
    finally:
        unregister_check("toy-article")


def test_an_article_check_that_loses_pairs_is_said_by_name():
    from summarizer.checks.registry import run_article_checks

    register_check("toy-broken", looks_at=WHOLE_ARTICLE)(lambda pairs, findings: findings[:-1])
    try:
        with pytest.raises(ValueError, match="toy-broken"):
            run_article_checks([("أ", "a"), ("ب", "b")], [[], []])
    finally:
        unregister_check("toy-broken")
