"""A saved record read back as its types: ``Result.from_dict(result.to_dict()) == result``.

Whatever wrote the record (``run --json``, a batch line, a Ray Parquet part, the page's JSON), the
reader gets SentencePair, SummaryInfo, Finding, Removal and Notice objects back, equal to the ones the
pipeline made; a record of the wrong shape is refused with the key that is wrong.
"""

from __future__ import annotations

import copy
import json

import hypothesis
import hypothesis.strategies as st
import pytest

from summarizer import Pipeline
from summarizer.batch.codecs import decode_parquet, encode_parquet
from summarizer.batch.writer import json_line
from summarizer.checks import Finding
from summarizer.notices import Notice
from summarizer.render import aligned_html, summary_sources, to_markdown, to_text
from summarizer.result import Result, SentencePair, SummaryInfo, from_row, to_row
from summarizer.stages.clean import Removal
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
    # values of the right JSON type that no view could show
    (lambda r: r["translation"][0].update(score=10**400), "record.translation[0].score"),  # OverflowError in float()
    (lambda r: r["translation"][0].update(score=float("inf")), "record.translation[0].score"),  # JSON 1e400
    (lambda r: r["translation"][0].update(score=float("nan")), "record.translation[0].score"),  # JSON NaN
    (lambda r: r.update(models={"summary": [1], "translation": None}), "record.models"),
    (lambda r: r.update(models={"summary": {"id": "x", "licence": 3}}), "record.models"),
    (lambda r: r.update(timings={"clean": "fast"}), "record.timings"),
    (lambda r: r.update(timings={"clean": float("inf")}), "record.timings"),
    (lambda r: r["summary"].update(sources=[[-1]]), "record.summary.sources[0][0]"),
    (lambda r: r["summary"].update(sources=[[True]]), "record.summary.sources[0][0]"),
    (lambda r: r["summary"].update(sources=[[2**63]]), "record.summary.sources[0][0]"),
    (lambda r: r["summary"].update(read_fraction=float("-inf")), "record.summary.read_fraction"),
    (lambda r: r["removed"][0].update(line=-3), "record.removed[0].line"),
    (lambda r: r["translation"][0].update(en="\ud800"), "record.translation[0].en"),  # no UTF-8 writer takes it
    (lambda r: r["translation"][0].update(findings=[{"code": "number-mismatch", "message": "m", "sentence": -1}]),
     "record.translation[0].findings[0].sentence"),
    (lambda r: r["translation"][0].update(findings=[{"code": "number-mismatch", "message": "m",
                                                      "evidence": {"value": float("inf")}}]),
     "record.translation[0].findings[0].evidence"),
    (lambda r: r["translation"][0].update(findings=[{"code": "number-mismatch", "message": "m",
                                                      "evidence": {"value": 10**400}}]),
     "record.translation[0].findings[0].evidence"),
    # the Python words need count and kinds, the page's count, items and what
    (lambda r: r.update(notices=[{"code": "cleaning-removed", "params": {"count": 1, "kinds": "html"}}]),
     "record.notices[0]"),
    (lambda r: r.update(notices=[{"code": "engine-substituted", "params": {"note": "\udc80"}}]), "record.notices[0]"),
    (lambda r: r["translation"][0].update(findings=[{"code": "number-mismatch", "message": "m",
                                                      "evidence": {"deep": _nested(100_000)}}]),
     "record.translation[0].findings[0].evidence"),  # deeper than Python recurses
])
def test_a_record_of_the_wrong_shape_is_refused_with_its_key(results, change, key):
    record = json.loads(json.dumps(results[0].to_dict()))
    change(record)
    with pytest.raises(ValueError) as caught:
        Result.from_dict(record)
    assert key in str(caught.value)


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_an_id_or_an_error_that_is_not_utf8_is_read_as_the_batch_writes_it(results):
    """A file name that is not UTF-8 gives an id with a lone surrogate: the writers escape it, and it is
    in no view, so it is read back (any other text with one is refused: the views write UTF-8)."""
    record = {**results[1].to_dict(), "id": "\udcff.txt"}
    back = Result.from_dict(json.loads(json_line(record)))
    assert back.id == "\udcff.txt" and back.to_dict() == record
    failed = Result.from_dict({"id": "\udcff", "error": "in/\udcff.txt: cannot be read (Permission denied)."})
    assert not failed.ok


def test_not_a_record_at_all_is_refused():
    for value in (None, [], "text", 3):
        with pytest.raises(ValueError):
            Result.from_dict(value)  # type: ignore[arg-type]


# -- any JSON value anywhere: refused, or a Result that every view and writer takes ---------------------
TEXTS = st.text(max_size=6) | st.sampled_from(["\ud800", "x\udfff", "{error}", "{0}", "-NC", "[a](javascript:x)"])
KEYS = TEXTS | st.sampled_from(["id", "ar", "en", "score", "code", "message", "params", "sentence", "evidence",
                                "summary", "translation", "engine", "licence", "kind", "line", "text", "method"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | TEXTS
           | st.sampled_from([10**400, -(10**400), 2**63, 2**63 - 1, -1, 0, 1e308, -0.0]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                           max_leaves=8)


def _places(value, at: tuple = ()):
    """Every place in a JSON value (the value itself, each dict value, each list item), as key paths."""
    yield at
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from _places(inner, (*at, key))


def _put(record, at: tuple, value):
    if not at:
        return value
    inner = record
    for key in at[:-1]:
        inner = inner[key]
    inner[at[-1]] = value
    return record


def _every_view_takes(result: Result) -> None:
    """What the CLI, the batches, the page and its downloads make of a Result, each as its writer writes it."""
    record = result.to_dict()
    json.dumps(record, allow_nan=False)  # strict JSON: no NaN, no Infinity
    line = json_line(record)
    line.encode("utf-8")
    assert Result.from_dict(json.loads(line)) == result
    encode_parquet([record])  # a Ray part file
    for text in (to_markdown(result, "page"), to_markdown(result), to_text(result, "article"),
                 aligned_html(result.translation, summary_sources(result))):
        text.encode("utf-8")


@hypothesis.settings(max_examples=300, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.data_too_large])
@hypothesis.given(data=st.data())
def test_any_json_value_anywhere_is_refused_or_makes_a_result_every_view_takes(results, data):
    base = data.draw(st.sampled_from([r.to_dict() for r in results]))
    record = json.loads(json.dumps(base))
    at = data.draw(st.sampled_from(list(_places(record))))
    elsewhere = [copy.deepcopy(_get(base, p)) for p in _places(base)]  # a part of the record put in another place
    value = data.draw(JSON_VALUES | st.sampled_from(elsewhere))
    record = _put(record, at, value)
    try:
        result = Result.from_dict(record)
    except ValueError as exc:
        assert type(exc) is ValueError and str(exc).startswith("record"), repr(exc)
        return
    _every_view_takes(result)


def _get(record, at: tuple):
    for key in at:
        record = record[key]
    return record


def test_a_record_with_a_lone_surrogate_and_timings_writes_to_parquet():
    """A file name that is not UTF-8 gives its id a lone surrogate: the Parquet writer scrubs it, and its
    map columns (timings) keep their (key, value) pairs while it does (they used to become lists)."""
    record = Result(id="\ud800", sentences=["أ."], summary_ar="أ.", timings={"clean": 0.1}).to_dict()
    (back,) = decode_parquet(encode_parquet([record]))
    assert back["timings"] == {"clean": 0.1} and back["id"] == "\\ud800"
