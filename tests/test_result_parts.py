"""A run's results in two parts, as faster-whisper gives segments beside one ``TranscriptionInfo``: each
article's ``Result``, and the run's facts (``RunInfo``: models, licences, load notices) held once.

What is derived is a property of what it derives from (``summary_method`` of ``summary.method``,
``translation_text`` of ``translation``, ``warnings`` of ``notices``), yet a record keeps every key it
had, with the same values: users' scripts read them. The REST answers have schemas in OpenAPI, and a
real answer of each route fits its schema.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import fields

import httpx
import jsonschema
import pytest

from summarizer import Pipeline
from summarizer import web as webapp
from summarizer.notices import RUN
from summarizer.result import TRANSLATION_KEYS, Result, RunInfo
from tests.conftest import SEEDS
from tests.test_app import FAST
from tests.test_rest import api_server

ARTICLE = SEEDS[1].read_text(encoding="utf-8")
# The keys of a record, in their order, as `run --json` has written them: they only ever grow.
RECORD_KEYS = ("id", "sentences", "removed", "summary_ar", "summary_method", "translation", "translation_text",
               "summary_en", "models", "timings", "warnings", "error", "summary", "error_code", "notices")
DERIVED = ("summary_method", "translation_text", "warnings", "models", "notices")


@pytest.fixture(scope="module")
def lost(tiny_marian, tmp_path_factory) -> Pipeline:
    """A pipeline with a run notice: its summary model is missing (it falls back to the extractive one)."""
    return Pipeline(str(tmp_path_factory.mktemp("models") / "missing-mt5"), str(tiny_marian), num_beams=1)


@pytest.fixture(scope="module")
def results(lost) -> list[Result]:
    return [lost(ARTICLE), *lost.batch([ARTICLE, "", {"id": "b", "text": ARTICLE}], progress=False)]


def test_the_run_facts_are_given_once_and_every_result_shares_them(lost, results):
    info = lost.info
    assert isinstance(info, RunInfo) and lost.info is info
    assert info.models == lost.models
    assert [n.code for n in info.notices] == ["summary-model-missing"]
    assert info.licences == {role: (m or {}).get("licence") for role, m in lost.models.items()}
    assert info.warnings == [n.message() for n in info.notices]
    assert set(info.to_dict()) == {"models", "licences", "notices", "warnings"}
    assert all(r.run is info for r in results)  # one object in memory, not a copy per article


def test_a_result_holds_its_article_and_reads_the_run_facts_through_run(results):
    for result in results:
        assert result.notices[: len(result.run.notices)] == result.run.notices  # run notices first
        assert not any(n.scope == RUN for n in result.article_notices)
        record = result.to_dict()
        assert record["models"] == result.run.models
        assert [n["code"] for n in record["notices"]][:1] == ["summary-model-missing"]
        assert record["warnings"][0] == result.run.warnings[0]


def test_derived_fields_are_properties_of_what_they_derive_from(results):
    stored = {f.name for f in fields(Result)}
    for name in DERIVED:
        assert isinstance(inspect.getattr_static(Result, name), property), name
        assert name not in stored, name
    result = results[0]
    assert result.summary_method == result.summary.method == "extractive-lexrank"
    assert result.translation_text == " ".join(p.en for p in result.translation if p.en)
    assert result.warnings == [n.message() for n in result.notices]
    assert result.models is result.run.models
    changed = Result.from_dict(result.to_dict())
    changed.summary.method = "lead-3"  # one place holds it
    assert changed.summary_method == changed.to_dict()["summary_method"] == "lead-3"


def test_a_record_keeps_every_key_in_its_order_and_reads_back(results):
    assert tuple(Result().to_dict()) == RECORD_KEYS
    for result in results:
        record = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
        assert tuple(record) == RECORD_KEYS
        back = Result.from_dict(record)
        assert back == result and back.to_dict() == record
        assert back.run == result.run and [n.code for n in back.run.notices] == ["summary-model-missing"]


@pytest.mark.parametrize(("key", "value"), [
    ("warnings", "not a list"), ("warnings", [3]), ("summary_method", 3), ("translation_text", ["x"]),
    ("models", [1]), ("models", {"summary": {"id": 3}}),
])
def test_a_derived_or_run_key_of_the_wrong_shape_is_still_refused(results, key, value):
    record = {**results[0].to_dict(), key: value}
    with pytest.raises(ValueError) as caught:
        Result.from_dict(record)
    assert f"record.{key}" in str(caught.value)


def test_a_record_without_a_summary_keeps_its_method():
    assert Result.from_dict({"summary_method": "lead-2"}).summary.method == "lead-2"


# -- the REST answers' schemas ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def http(tiny_mt5, tiny_marian, tmp_path_factory):
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


ROUTES = [("post", "/api/v1/summarize", {"text": ARTICLE}), ("post", "/api/v1/translate", {"text": ARTICLE}),
          ("get", "/api/v1/models", None), ("get", "/api/v1/health", None)]


def test_each_rest_answer_has_a_schema_in_openapi_and_a_real_answer_fits_it(http):
    spec = http.get("openapi.json").json()
    keys = {}
    for method, path, body in ROUTES:
        schema = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        ref = schema["$ref"]  # a named schema, not a bare object
        named = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        answer = http.request(method, path.lstrip("/"), json=body)
        assert answer.status_code == 200, answer.text
        jsonschema.Draft202012Validator({"$ref": ref, "components": spec["components"]}).validate(answer.json())
        assert set(answer.json()) == set(named["properties"]) == set(named["required"])  # all of it, always
        keys[path] = tuple(named["properties"])
    assert keys["/api/v1/summarize"] == RECORD_KEYS
    assert keys["/api/v1/translate"] == TRANSLATION_KEYS


def test_a_schema_refuses_an_answer_out_of_shape(http):
    """The schemas say something: a record whose pair has no English, or a score as text, does not fit."""
    spec = http.get("openapi.json").json()
    ref = spec["paths"]["/api/v1/summarize"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**ref, "components": spec["components"]})
    record = http.post("api/v1/summarize", json={"text": ARTICLE}).json()
    assert validator.is_valid(record)
    del record["translation"][0]["en"]
    assert not validator.is_valid(record)
    record = http.post("api/v1/summarize", json={"text": ARTICLE}).json()
    record["translation"][0]["score"] = "high"
    assert not validator.is_valid(record)
