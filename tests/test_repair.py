"""The repair step (``summarizer.repair``, option ``repair``): a sentence whose English a check flagged is
translated again with the model's n-best and the best candidate without the finding replaces it; the
record keeps the first English. Tiny random models: the tests assert structure and equivalences."""

from __future__ import annotations

import math

import httpx
import pytest

from summarizer import web as webapp
from summarizer.checks import Finding
from summarizer.checks.registry import CHECKS, CODES, PAIR, checks_of, register_check, unregister_check
from summarizer.engines.base import TRANSLATION_DECODING, NBest
from summarizer.engines.ctranslate2_engine import CTranslate2Engine
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.options import Options
from summarizer.pipeline import Pipeline
from summarizer.render import aligned_html, to_markdown, to_text
from summarizer.repair import REPAIR_NBEST, REPAIRABLE_CODES, repairable_codes
from summarizer.result import Result, from_row, to_row
from tests.test_app import FAST
from tests.test_option_table import Seen
from tests.test_rest import ARTICLE, api_server

SENTENCES = ["قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في العاصمة.",
             "وأضاف أن الوفدين اتفقا على جدول الأعمال.", "وأشار إلى أن الاجتماع سيبحث ملف المياه والحدود."]
DECODING = TRANSLATION_DECODING.but(num_beams=2, max_new_tokens=10)


@pytest.fixture(scope="module")
def pipeline(tiny_marian):
    return Pipeline(None, str(tiny_marian), summary_method="lead", **FAST)


@pytest.fixture(scope="module")
def pipeline_pt(tiny_marian):
    return Pipeline(None, str(tiny_marian), summary_method="lead", engine="transformers", **FAST)


class NBestCalls:
    """Counts the n-best calls of both engines (and the texts each was given)."""

    def __init__(self, monkeypatch):
        self.texts: list[list[str]] = []
        for cls in (CTranslate2Engine, TransformersEngine):
            monkeypatch.setattr(cls, "generate_nbest", self._spy(cls.generate_nbest))

    def _spy(self, original):
        def spy(engine, texts, settings, nbest):
            self.texts.append(list(texts))
            return original(engine, texts, settings, nbest)

        return spy


@pytest.fixture
def only_toy_checks(monkeypatch):
    """No sentence-pair check but the test's own (the real ones flag random models' output at random)."""
    for check in checks_of(PAIR):
        monkeypatch.delitem(CHECKS, check.name)


@pytest.fixture
def flag_first(only_toy_checks):
    """A toy check that flags an English as ``untranslated`` while it is one of ``firsts`` (the first
    outputs): every first English is flagged, and any candidate that differs from it is not."""
    firsts: set[str] = set()

    @register_check("toy-first-output", looks_at=PAIR, reuses=["untranslated"])
    def toy(arabic, english):
        return [Finding("untranslated", "The first output, flagged by a test.")] if english in firsts else []

    yield firsts
    unregister_check("toy-first-output")


# -- the option, on every surface ------------------------------------------------------------------
def test_the_option_is_on_by_default_and_on_every_surface(monkeypatch):
    from summarizer.cli import build_parser
    from summarizer.web.server import parse_args

    assert Options().run.repair == "on"
    assert Options.from_args(build_parser().parse_args(["run", "a.txt", "--repair", "off"])).run.repair == "off"
    assert Options.from_args(build_parser().parse_args(["translate", "a.txt", "--repair", "off"])).run.repair == "off"
    monkeypatch.setenv("SUMMARIZER_REPAIR", "off")
    assert Options.from_args(parse_args([])).run.repair == "off"
    assert Options.from_env().run.repair == "off"


def test_the_rest_api_and_the_page_take_it(tiny_marian, monkeypatch):
    from summarizer.web.server import build_demo

    state = webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False, **FAST)
    (radio,) = [c for c in build_demo(state).config["components"]
                if c.get("props", {}).get("elem_id") == "option-repair"]
    assert [value for _, value in radio["props"]["choices"]] == ["on", "off"] and radio["props"]["value"] == "on"
    seen = Seen(monkeypatch)
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as http:
        for route in ("api/v1/summarize", "api/v1/translate"):
            r = http.post(route, json={"text": ARTICLE, "repair": "off"})
            assert r.status_code == 200, r.text
            assert seen.options[-1].repair == "off"
            assert all(pair["repair"] is None for pair in r.json()["translation"])
        r = http.post("api/v1/summarize", json={"text": ARTICLE, "repair": "maybe"})
        assert r.status_code == 422 and r.json()["code"] == "bad-field"
        schema = http.get("openapi.json").json()["components"]["schemas"]
        assert {"codes", "candidates", "repaired", "first_en", "first_score"} <= set(schema["Repair"]["properties"])
        assert "repair" in schema["SentencePair"]["properties"]


# -- off, and nothing flagged: the first path, unchanged ---------------------------------------------
def test_with_repair_off_the_output_is_the_first_translation(pipeline, monkeypatch):
    calls = NBestCalls(monkeypatch)
    result = pipeline(ARTICLE, repair="off")
    first = pipeline.translator.translate_scored(result.sentences)
    assert [p.en for p in result.translation] == [t.text for t in first]
    assert [p.score for p in result.translation] == [round(t.score, 4) for t in first]
    assert all(p.repair is None for p in result.translation) and "repair" not in result.timings
    assert calls.texts == []


def test_an_article_without_findings_never_decodes_again(pipeline, only_toy_checks, monkeypatch):
    calls = NBestCalls(monkeypatch)
    on, off = pipeline(ARTICLE, repair="on"), pipeline(ARTICLE, repair="off")
    assert calls.texts == []  # nothing flagged: no n-best call at all
    assert "repair" in on.timings  # it ran (repair on), at no model cost
    assert {**on.to_dict(), "timings": None} == {**off.to_dict(), "timings": None}


def test_checks_off_means_no_repair(pipeline, flag_first, monkeypatch):
    calls = NBestCalls(monkeypatch)
    result = pipeline(ARTICLE, checks="off", repair="on")
    assert calls.texts == [] and all(p.repair is None for p in result.translation)


# -- on: a flagged sentence is replaced, the record keeps the first ------------------------------------
@pytest.mark.parametrize("engine", ["pipeline", "pipeline_pt"])
def test_a_flagged_sentence_is_replaced_and_the_first_english_kept(engine, request, flag_first, monkeypatch):
    pipeline = request.getfixturevalue(engine)
    first = pipeline(ARTICLE, repair="off")
    flag_first.update(p.en for p in first.translation)
    assert all(p.findings for p in pipeline(ARTICLE, repair="off").translation)  # each first English flagged
    calls = NBestCalls(monkeypatch)
    result = pipeline(ARTICLE, repair="on")
    assert len(calls.texts) == 1 and sorted(calls.texts[0]) == sorted(first.sentences)  # one call, all flagged
    for before, pair in zip(first.translation, result.translation, strict=True):
        repair = pair.repair
        assert repair is not None and repair.codes == ["untranslated"] and repair.candidates == REPAIR_NBEST.candidates
        assert (repair.first_en, repair.first_score) == (before.en, before.score)
        assert pair.repaired and pair.en != before.en and pair.findings == []  # findings recomputed
        assert isinstance(pair.score, float) and math.isfinite(pair.score)
    text = result.translation[0].repair.first_en
    assert "Repaired" in to_markdown(result) and text in to_markdown(result)
    assert 'class="repair-text"' in aligned_html(result.translation) and "[repaired]" in to_text(result, "a")


def test_the_record_keeps_the_repair_and_reads_back(pipeline, flag_first):
    flag_first.update(p.en for p in pipeline(ARTICLE, repair="off").translation)
    result = pipeline(ARTICLE)
    record = result.to_dict()
    pair = record["translation"][0]
    assert pair["repair"]["repaired"] is True and pair["repair"]["first_en"] in flag_first
    assert set(pair) >= {"ar", "en", "score", "findings", "repair"}
    assert Result.from_dict(record).translation == result.translation
    assert from_row(to_row(record))["translation"] == record["translation"]


def test_a_candidate_is_chosen_by_findings_then_score(pipeline, flag_first):
    """Every candidate that differs from the first is clean here: the best-scored one wins."""
    from summarizer.engines.base import nbest_generate
    from summarizer.repair import repair_decoding, translate_candidates

    flag_first.update(p.en for p in pipeline(ARTICLE, repair="off").translation)
    result = pipeline(ARTICLE)
    translator = pipeline.translator
    candidates = translate_candidates(translator, result.sentences, repair_decoding(translator.decoding),
                                      REPAIR_NBEST, nbest_generate(translator.engine))
    for pair, mine in zip(result.translation, candidates, strict=True):
        clean = [c for c in mine if c.text.strip() and c.text != pair.repair.first_en]
        assert pair.en == max(clean, key=lambda c: c.score).text


# -- the registry decides what is repairable -----------------------------------------------------------
def test_repairable_codes_are_read_from_the_registry(monkeypatch):
    assert repairable_codes() == {code for code in REPAIRABLE_CODES if code in CODES}
    assert {"repetition-loop", "copy-through", "untranslated", "number-mismatch"} <= repairable_codes()
    assert "length-ratio" not in repairable_codes()
    monkeypatch.setattr("summarizer.repair.REPAIRABLE_CODES", (*REPAIRABLE_CODES, "not-registered-anywhere"))
    assert "not-registered-anywhere" not in repairable_codes()  # a code no check gives: skipped, no failure


# -- the engines' n-best call ---------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["pipeline", "pipeline_pt"])
def test_nbest_gives_scored_distinct_candidates_batched_as_alone(engine, request):
    model = request.getfixturevalue(engine).translator.engine
    nbest = model.generate_nbest(SENTENCES, DECODING, NBest(4))
    assert [len(hypotheses) for hypotheses in nbest] == [4] * len(SENTENCES)
    for hypotheses in nbest:
        assert len({h.text for h in hypotheses}) >= 2
        assert all(isinstance(h.score, float) and h.score <= 0 and h.tokens > 0 for h in hypotheses)
    alone = [model.generate_nbest([s], DECODING, NBest(4))[0] for s in SENTENCES]
    assert [[h.text for h in hs] for hs in nbest] == [[h.text for h in hs] for hs in alone]
    assert all(math.isclose(a.score, b.score, abs_tol=1e-4)
               for hs, hs1 in zip(nbest, alone, strict=True) for a, b in zip(hs, hs1, strict=True))
    # its best hypothesis is the one-output call's at the same beam
    best = model.generate_scored(SENTENCES, DECODING.but(num_beams=4))
    assert [hs[0].text for hs in nbest] == [h.text for h in best]
    assert model.generate_nbest([], DECODING, NBest(4)) == []


def test_repair_of_a_group_equals_repair_one_article_at_a_time(pipeline, flag_first, seed_texts):
    texts = [ARTICLE, seed_texts[0][:600]]
    flag_first.update(p.en for r in pipeline.batch(texts, progress=False, repair="off") for p in r.translation)
    together = [r.translation for r in pipeline.batch(texts, progress=False, group_size=2, grow=False)]
    alone = [pipeline(text).translation for text in texts]
    assert [[p.en for p in t] for t in together] == [[p.en for p in t] for t in alone]
    assert [[p.repair for p in t] for t in together] == [[p.repair for p in t] for t in alone]


# -- the measurement ---------------------------------------------------------------------------------------
def test_eval_repair_reports_findings_before_and_after_and_the_time_ratio(tmp_path, capsys):
    import json

    from eval import repair as eval_repair

    out = tmp_path / "report"
    assert eval_repair.main(["--models", "tiny-marian", "--engines", "ctranslate2", "--repeats", "1",
                             "--max-new-tokens", "6", "--out", str(out)]) == 0
    assert "| model | engine |" in capsys.readouterr().out
    payload = json.loads((out / "repair.json").read_text(encoding="utf-8"))
    (row,) = payload["runs"]
    assert (row["model"], row["engine"], payload["articles"]) == ("tiny-marian", "ctranslate2", 5)
    assert row["before"]["decoded_again"] == 0 and row["before"]["repaired"] == 0  # off: nothing decoded again
    assert row["after"]["sentences"] == row["before"]["sentences"] > 0
    assert row["after"]["repaired"] <= row["after"]["decoded_again"] <= row["after"]["sentences"]
    assert row["ratio"] > 0 and set(row["seconds_per_article"]) == {"off", "on"}
