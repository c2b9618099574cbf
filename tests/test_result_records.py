"""A saved record read back as its types: ``Result.from_dict(result.to_dict()) == result``.

Whatever wrote the record (``run --json``, a batch line, a Ray Parquet part, the page's JSON), the
reader gets SentencePair, SummaryInfo, Finding, Removal and Notice objects back, equal to the ones the
pipeline made; a record of the wrong shape is refused with the key that is wrong.
"""

from __future__ import annotations

import json

import pytest

from summarizer import Pipeline
from summarizer.checks import Finding
from summarizer.clean import Removal
from summarizer.notices import Notice
from summarizer.render import to_markdown
from summarizer.result import Result, SentencePair, SummaryInfo, from_row, to_row
from tests.conftest import SEEDS

ARTICLE = SEEDS[1].read_text(encoding="utf-8")
MESSY = "<p>" + ARTICLE.replace("\n", "</p>\n<p>") + "</p>\n-----\nاقرأ أيضا: خبر آخر &"


@pytest.fixture(scope="module")
def results(tiny_mt5, tiny_marian_eos, tmp_path_factory) -> list[Result]:
    pipe = Pipeline(str(tiny_mt5), str(tiny_marian_eos), num_beams=1)
    failed = next(iter(pipe.batch([""], progress=False)))  # a batch keeps going: an error record
    made = [pipe(MESSY), pipe(ARTICLE, summary_method="extractive"), failed]
    missing = tmp_path_factory.mktemp("models") / "missing-mt5"
    lost = Pipeline(str(missing), str(tiny_marian_eos), num_beams=1)(ARTICLE)  # a run notice, the fallback
    return [*made, pipe.translate(ARTICLE), lost]


def test_a_record_reads_back_as_the_result_it_was_written_from(results):
    for result in results:
        record = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))  # as a file holds it
        back = Result.from_dict(record)
        assert back == result
        assert back.to_dict() == result.to_dict()


def test_the_types_come_back_not_dicts(results):
    messy = Result.from_dict(results[0].to_dict())
    assert messy.removed and all(isinstance(r, Removal) for r in messy.removed)
    assert all(isinstance(p, SentencePair) for p in messy.translation)
    assert any(p.findings for p in messy.translation)
    assert all(isinstance(f, Finding) for p in messy.translation for f in p.findings)
    assert isinstance(messy.summary, SummaryInfo) and messy.summary.sources
    assert all(isinstance(n, Notice) for n in messy.notices)
    lost = Result.from_dict(results[4].to_dict())
    assert {n.code for n in lost.notices} >= {"summary-model-missing"}
    failed = Result.from_dict(results[2].to_dict())
    assert not failed.ok and failed.error_code == results[2].error_code


def test_what_is_made_from_a_record_matches_what_is_made_from_the_result(results):
    for result in results:
        assert to_markdown(Result.from_dict(result.to_dict()), "page") == to_markdown(result, "page")


def test_a_parquet_row_reads_back_as_the_result(results):
    pytest.importorskip("pyarrow")
    for result in results:
        assert Result.from_dict(from_row(to_row(result.to_dict()))) == result


def test_keys_it_does_not_know_are_ignored(results):
    record = {**results[1].to_dict(), "summary_length": "short (2 sentences)", "extra": [1, 2]}
    assert Result.from_dict(record) == results[1]


@pytest.mark.parametrize(("change", "key"), [
    (lambda r: r.update(sentences="not a list"), "record.sentences"),
    (lambda r: r["translation"][0].update(ar=7), "record.translation[0].ar"),
    (lambda r: r["summary"].update(sources=[["1"]]), "record.summary.sources[0][0]"),
    (lambda r: r.update(notices=[{"code": "no-such-notice", "params": {}}]), "record.notices[0]"),
    (lambda r: r.update(notices=[{"code": "summary-model-missing", "params": {}}]), "record.notices[0]"),
    (lambda r: r["translation"][0].update(findings=[{"code": "made-up", "message": "x"}]),
     "record.translation[0].findings[0]"),
    (lambda r: r["translation"][0].update(score=True), "record.translation[0].score"),
])
def test_a_record_of_the_wrong_shape_is_refused_with_its_key(results, change, key):
    record = json.loads(json.dumps(results[0].to_dict()))
    change(record)
    with pytest.raises(ValueError) as caught:
        Result.from_dict(record)
    assert key in str(caught.value)


def test_not_a_record_at_all_is_refused():
    for value in (None, [], "text", 3):
        with pytest.raises(ValueError):
            Result.from_dict(value)  # type: ignore[arg-type]
