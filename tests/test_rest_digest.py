"""``POST /api/v1/digest`` on a live server, called with httpx as any HTTP client would: the digest's record (the
same as ``Service.digest``), its options, its limits (refused before any work), bad requests with their codes,
the articles a digest leaves out (in the record, never an error), and its OpenAPI schemas.

Tiny local models (random weights): the English is gibberish, so only structure and equivalences are checked."""

from __future__ import annotations

import httpx
import jsonschema
import pytest

from summarizer import web as webapp
from summarizer.digest import Digest
from summarizer.service import Budget
from summarizer.web.rest import MAX_DIGEST_ARTICLES
from tests.conftest import SEEDS
from tests.test_app import FAST
from tests.test_rest import api_server

pytestmark = pytest.mark.slow  # a live server

FIGURE = ("270 ألف شخص", "280 ألف شخص")  # seed 000: the death toll since 2011
ENGLISH = "The minister said that the talks would resume next week in the capital."


@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    return webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)


@pytest.fixture(scope="module")
def http(state):
    with api_server(state, concurrency=2) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def seeds() -> list[dict]:
    """The five seeds (one story), dated, and a copy of seed 000 with its death toll changed."""
    articles = [{"id": p.stem[:3], "text": p.read_text(encoding="utf-8"), "date": f"2016-10-{18 + n:02d}"}
                for n, p in enumerate(SEEDS)]
    changed = articles[0]["text"].replace(*FIGURE)
    assert changed != articles[0]["text"]
    return [*articles, {"id": "changed", "text": changed}]


@pytest.fixture(scope="module")
def answer(http, seeds) -> dict:
    r = http.post("api/v1/digest", json={"articles": seeds})
    assert r.status_code == 200, r.text
    return r.json()


# -- the record ----------------------------------------------------------------------------------------------
def test_digest_answers_the_record_of_service_digest(answer, seeds, state):
    assert answer == state.service.digest(seeds).to_dict()  # the same as the Python API, key for key
    assert set(answer) == set(Digest([], [], 0.33, 0).to_dict())
    (story,) = answer["stories"]
    assert sorted(story["articles"]) == sorted(a["id"] for a in seeds)
    assert story["dates"]["000"].startswith("2016-10-18") and story["summary_ar"] and story["summary_en"]
    numbers = [d for d in story["disagreements"] if d["kind"] == "number"]
    assert any({"000", "changed"} <= set(d["articles"]) and {"270,000", "280,000"} <= set(d["values"])
               for d in numbers), story["disagreements"]
    assert answer["models"]["translation"] and answer["skipped"] == []


def test_the_digest_options_and_the_defaults_of_the_server(http, seeds):
    r = http.post("api/v1/digest", json={"articles": seeds[:5], "digest_threshold": 99, "summary_sentences": 2,
                                         "summary_method": "extractive", "num_beams": 1})
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["threshold"] == 0.99 and len(record["stories"]) == 5  # each its own story
    assert all(len(s["summary"]) <= 2 for s in record["stories"])
    assert record["models"]["summary"] is None  # an extractive digest writes no abstract


def test_articles_a_digest_leaves_out_are_in_the_record_not_errors(http, seeds):
    articles = [seeds[0], {"id": "empty", "text": "  "}, {"id": "english", "text": ENGLISH},
                {"id": "again", "text": seeds[0]["text"]}, {"text": seeds[1]["text"]}]
    r = http.post("api/v1/digest", json={"articles": articles})
    assert r.status_code == 200, r.text
    record = r.json()
    skipped = {s["article"]: s for s in record["skipped"]}
    assert {k: s["code"] for k, s in skipped.items()} == {"empty": "empty", "english": "not-arabic",
                                                         "again": "duplicate"}
    assert skipped["again"]["same_as"] == "000"
    assert sorted(record["stories"][0]["articles"]) == ["000", "article-5"]  # a default id: its place


# -- bad requests and limits ------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "status", "code"), [
    ({}, 422, "bad-field"),  # no articles field
    ({"articles": []}, 422, "no-articles"),
    ({"articles": "نص"}, 422, "bad-field"),
    ({"articles": [{"text": 3}]}, 422, "bad-field"),  # a number where text belongs
    ({"articles": [{"text": None}]}, 422, "bad-field"),
    ({"articles": [{"id": 1, "text": "نص"}]}, 422, "bad-field"),
    ({"articles": [{"text": "نص", "source": "x"}]}, 422, "bad-field"),  # an unknown field
    ({"articles": [{"id": "a", "text": "نص"}, {"id": "a", "text": "نص آخر"}]}, 422, "duplicate-id"),
    ({"articles": [{"id": "article-2", "text": "نص"}, {"text": "نص آخر"}]}, 422, "duplicate-id"),  # a default id
    ({"articles": [{"text": "نص", "date": "yesterday"}]}, 422, "bad-date"),
    ({"articles": [{"text": "نص"}], "digest_threshold": 0}, 422, "bad-field"),
    ({"articles": [{"text": "نص"}], "digest_threshold": "33"}, 422, "bad-field"),
    ({"articles": [{"text": "نص"}], "num_beams": 99}, 422, "too-many-beams"),
    ({"articles": [{"text": "نص"}], "summary_method": "magic"}, 422, "bad-option"),
    ({"articles": [{"text": "نص"}] * (MAX_DIGEST_ARTICLES + 1)}, 413, "too-many-articles"),
])
def test_bad_requests_are_refused_with_a_code_before_any_work(http, state, monkeypatch, body, status, code):
    monkeypatch.setattr(state.service, "digest", _no_work)
    r = http.post("api/v1/digest", json=body)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.json()["error"] and "Traceback" not in r.text


def _no_work(*args, **kwargs):
    raise AssertionError("a refused request reached the digest")


def test_an_article_over_max_chars_and_a_request_over_the_budget_are_refused_before_any_work(
        http, state, seeds, monkeypatch):
    budget = Budget.for_article(2_000)  # cost at most 4 x (2,000 + 100 x 40)
    monkeypatch.setattr(state.service, "budget", budget)
    monkeypatch.setattr(state.service, "digest", _no_work)
    long = http.post("api/v1/digest", json={"articles": seeds[:2]})  # each seed is over 2,000 characters
    assert (long.status_code, long.json()["code"]) == (422, "too-long"), long.text
    parts = [{"id": str(n), "text": seeds[0]["text"][:1_900]} for n in range(4)]  # each within, not together
    assert budget.cost([p["text"] for p in parts]) > budget.max_cost
    over = http.post("api/v1/digest", json={"articles": parts})
    assert (over.status_code, over.json()["code"]) == (413, "over-budget"), over.text
    assert http.post("api/v1/digest", json={"articles": parts[:1]}).status_code != 413


def test_a_body_over_the_limit_is_refused_with_413(http, state):
    text = "ا" * state.service.max_chars
    r = http.post("api/v1/digest", json={"articles": [{"id": str(n), "text": text} for n in range(6)]})
    assert (r.status_code, r.json()["code"]) == (413, "body-too-large")


# -- OpenAPI ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spec(http) -> dict:
    return http.get("openapi.json").json()


def test_the_answer_has_a_schema_in_openapi_and_a_real_answer_fits_it(spec, answer, http, seeds):
    schema = spec["paths"]["/api/v1/digest"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    ref = schema["$ref"]  # a named schema, not a bare object
    named = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    validator = jsonschema.Draft202012Validator({"$ref": ref, "components": spec["components"]})
    validator.validate(answer)
    assert set(answer) == set(named["properties"]) == set(named["required"])  # all of it, always
    story = spec["components"]["schemas"]["DigestStoryAnswer"]
    assert set(answer["stories"][0]) == set(story["properties"]) == set(story["required"])
    skipped = http.post("api/v1/digest", json={"articles": [seeds[0], {"id": "x", "text": seeds[0]["text"]}]})
    validator.validate(skipped.json())  # with `same_as`, which only a repeat has
    assert skipped.json()["skipped"][0]["same_as"] == "000"
    wrong = {**answer, "stories": [{**answer["stories"][0], "disagreements": [{"kind": "colour", "values": [],
                                                                               "articles": [], "reports": []}]}]}
    assert not validator.is_valid(wrong)


def test_the_request_schema_lists_the_articles_and_the_digest_options(spec):
    operation = spec["paths"]["/api/v1/digest"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"articles", "translation", "digest_threshold", "summary_method", "summary_sentences",
            "num_beams"} <= set(body["properties"])
    assert body["properties"]["digest_threshold"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": 99}
    assert "$ref" not in str(body)  # the article's fields are written in place, not pointed at
    assert set(body["properties"]["articles"]["items"]["properties"]) == {"id", "text", "date"}
    request = jsonschema.Draft202012Validator(body)
    assert request.is_valid({"articles": [{"id": "a", "text": "نص", "date": "2016-10-18"}], "digest_threshold": 25})
    assert not request.is_valid({"articles": [{"text": 3}]})
    assert {"413", "422", "429"} <= set(operation["responses"])
