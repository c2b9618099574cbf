"""The digest across articles: stories, summaries, what each source adds, disagreements, bad input, the record,
the command line and ``Pipeline.digest``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.data import NTREX_DEV, data_path
from eval.digest import NTREX_STORIES, document_articles
from summarizer.digest import SKIP_CODES, Digest, make_digest
from summarizer.digest.group import group
from summarizer.digest.terms import MAX_TERMS
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.pipeline import Pipeline
from summarizer.stages.clean import clean_article

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
FIGURE = ("270 ألف شخص", "280 ألف شخص")  # seed 000: the death toll since 2011
DATE = ("27 شباط/فبراير", "28 شباط/فبراير")  # seed 003: the truce's start
NAME = ("سيرغي لافروف", "سيرغي شويغو")  # seed 001: the Russian minister


@pytest.fixture(scope="module")
def seeds() -> list[dict]:
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in SEEDS]


def cleaned(article_id: str) -> str:
    """A seed as the digest reads it (cleaned: ``stages.clean``)."""
    return clean_article(next(p for p in SEEDS if p.stem == article_id).read_text(encoding="utf-8")).text


def stories_of(digest: Digest) -> dict[str, str]:
    return {article: story.id for story in digest.stories for article in story.articles}


def test_the_five_seeds_are_one_story(seeds):
    digest = make_digest(seeds)
    assert len(digest.stories) == 1 and digest.skipped == []
    story = digest.stories[0]
    assert sorted(story.articles) == [p.stem for p in SEEDS]
    assert story.title_ar and story.summary and story.lead in story.articles
    kept = [s.ar for s in story.summary]
    assert len(kept) == len(set(kept)) == 3
    for sentence in story.summary:  # each kept sentence names the outlets that carry it, its own first
        assert sentence.articles and set(sentence.articles) <= set(story.articles)
        assert sentence.ar in cleaned(sentence.articles[0])
    for addition in story.adds:  # what an article adds is its own
        source = cleaned(addition.article)
        assert addition.sentences and all(s in source for s in addition.sentences)


def test_ntrex_documents_never_join_the_seeds_nor_unrelated_ones(seeds):
    path = data_path(NTREX_DEV)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared/data)")
    ntrex = document_articles(path)
    story = stories_of(make_digest(seeds + ntrex))
    seed_story = {story[a["id"]] for a in seeds}
    assert len(seed_story) == 1
    assert not [a["id"] for a in ntrex if story[a["id"]] in seed_story]
    related = {doc: name for name, docs in NTREX_STORIES.items() for doc in docs}
    ids = [a["id"] for a in ntrex]
    merged_unrelated = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]
                        if story[a] == story[b] and (related.get(a) is None or related.get(a) != related.get(b))]
    assert merged_unrelated == []


def test_one_article_is_a_story_of_its_own(seeds):
    digest = make_digest(seeds[:1])
    assert [s.articles for s in digest.stories] == [[seeds[0]["id"]]]
    assert digest.stories[0].summary and digest.stories[0].adds == [] and digest.stories[0].disagreements == []


def changed_copy(seeds: list[dict], index: int, old: str, new: str) -> dict:
    text = seeds[index]["text"]
    assert old in text
    return {"id": "changed", "text": text.replace(old, new)}


@pytest.mark.parametrize(("index", "change", "kind"), [(0, FIGURE, "number"), (3, DATE, "date"), (1, NAME, "name")])
def test_a_changed_figure_date_or_name_is_a_disagreement_with_both_values(seeds, index, change, kind):
    digest = make_digest([seeds[index], changed_copy(seeds, index, *change)])
    assert len(digest.stories) == 1
    found = [d for d in digest.disagreements if d.kind == kind]
    assert len(found) == 1, [d.to_dict() for d in digest.disagreements]
    (disagreement,) = found
    assert sorted(disagreement.articles) == sorted([seeds[index]["id"], "changed"])
    by_article = {r.articles[0]: r for r in disagreement.reports}
    old_words, new_words = change[0].split(), change[1].split()
    differing = [(a, b) for a, b in zip(old_words, new_words, strict=True) if a != b]
    assert differing[0][0] in by_article[seeds[index]["id"]].text + by_article[seeds[index]["id"]].sentence
    assert differing[0][1] in by_article["changed"].text and differing[0][1] in by_article["changed"].sentence
    assert len(set(disagreement.values)) == 2


def test_the_same_figures_are_no_disagreement(seeds):
    copy = dict(seeds[0], id="copy", text=seeds[0]["text"] + "\nوتابع المبعوث جولته في المنطقة.")
    assert make_digest([seeds[0], copy]).disagreements == []


def test_bad_articles_are_reported_never_grouped(seeds):
    items = [seeds[0], {"id": "again", "text": seeds[0]["text"].replace("  ", " ")}, {"id": "empty", "text": "  \n"},
             {"id": "english", "text": "The minister met the envoy in Moscow on Tuesday to save the truce."},
             {"id": "number", "text": 42}, {"id": seeds[0]["id"], "text": seeds[1]["text"]},
             {"id": "unread", "error": "a.pdf cannot be read.", "error_code": "unreadable"}]
    digest = make_digest(items)
    skipped = {s.article: s for s in digest.skipped}
    assert {k: s.code for k, s in skipped.items() if k != seeds[0]["id"]} == {
        "again": "duplicate", "empty": "empty", "english": "not-arabic", "number": "not-text", "unread": "unreadable"}
    assert skipped["again"].same_as == seeds[0]["id"]
    assert [s.code for s in digest.skipped if s.article == seeds[0]["id"]] == ["duplicate-id"]
    assert {s.code for s in digest.skipped} <= set(SKIP_CODES) and all(s.reason for s in digest.skipped)
    assert [s.articles for s in digest.stories] == [[seeds[0]["id"]]]
    assert digest.articles_read == len(items)


def test_the_json_record(seeds):
    record = json.loads(json.dumps(make_digest([*seeds, changed_copy(seeds, 0, *FIGURE)]).to_dict()))
    assert set(record) >= {"stories", "skipped", "threshold", "articles_read", "models"}
    (story,) = record["stories"]
    assert set(story) >= {"articles", "summary_ar", "summary_en", "adds", "disagreements", "title_ar", "summary"}
    assert isinstance(story["summary_ar"], str) and story["summary_ar"] and story["summary_en"] == ""
    assert all(set(a) >= {"article", "sentences"} for a in story["adds"])
    numbers = [d for d in story["disagreements"] if d["kind"] == "number"]
    assert numbers and all(set(d) >= {"kind", "values", "articles", "reports"} for d in story["disagreements"])
    assert {"270,000", "280,000"} <= {v for d in numbers for v in d["values"]}


def test_articles_in_time_order_when_dates_are_known(seeds):
    dated = [dict(seeds[0], date="2016-10-19"), dict(seeds[1], date="2016-10-17"), dict(seeds[2], date="2016-10-18")]
    (story,) = make_digest(dated).stories
    assert story.articles == [seeds[1]["id"], seeds[2]["id"], seeds[0]["id"]]
    assert story.dates[seeds[1]["id"]] == "2016-10-17T00:00:00"


def test_grouping_is_bounded_for_many_articles():
    """Many unrelated articles: each compared with a few candidate stories, every centroid of bounded size."""
    vectors = [{f"w{i}-{k}": 1.0 / (MAX_TERMS ** 0.5) for k in range(MAX_TERMS + 50)} for i in range(3000)]
    assert len(group(vectors, 0.3)) == 3000
    shared = [{"common": 0.6, f"own{i}": 0.8} for i in range(200)]  # one term in common, below the threshold
    assert len(group(shared, 0.5)) == 200


def test_cli_writes_each_form_whole_and_refuses_to_overwrite(tmp_path, seeds, capsys):
    from summarizer.cli import EXIT_OK, EXIT_USAGE, main

    folder = tmp_path / "in"
    folder.mkdir()
    for p in SEEDS[:3]:
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    records = tmp_path / "more.jsonl"
    records.write_text("\n".join(json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False)
                                 for i, t in enumerate([seeds[3]["text"], "", seeds[4]["text"]])), encoding="utf-8")
    base = ["digest", str(folder), str(records), "--no-translate", "--summary-method", "extractive", "--quiet"]
    out = tmp_path / "digest.json"
    assert main([*base, "-o", str(out)]) == EXIT_OK
    record = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(record["stories"][0]["articles"]) == sorted([p.stem for p in SEEDS[:3]] + ["r0", "r2"])
    assert [(s["article"], s["code"]) for s in record["skipped"]] == [("r1", "empty")]
    assert main([*base, "-o", str(out)]) == EXIT_USAGE and "--overwrite" in capsys.readouterr().err
    assert main([*base, "-o", str(out), "--overwrite", "--digest-threshold", "99"]) == EXIT_OK
    assert len(json.loads(out.read_text(encoding="utf-8"))["stories"]) == 5
    for suffix in (".md", ".html", ".docx"):
        assert main([*base, "-o", str(tmp_path / f"digest{suffix}")]) == EXIT_OK
    assert "<section>" in (tmp_path / "digest.html").read_text(encoding="utf-8")
    from docx import Document

    assert Document(str(tmp_path / "digest.docx")).paragraphs
    assert main([*base, "-o", str(tmp_path / "digest.txt")]) == EXIT_USAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["in", "more.jsonl", "digest.json", "digest.md", "digest.html", "digest.docx"])  # no temporary left


def test_pipeline_digest_with_tiny_models(tiny_mt5, tiny_marian, seeds):
    pipe = Pipeline(str(tiny_mt5), str(tiny_marian), summary_decoding=SUMMARY_DECODING.but(num_beams=1, max_new_tokens=8),
                    translation_decoding=TRANSLATION_DECODING.but(num_beams=1, max_new_tokens=8))
    stages = []
    digest = pipe.digest(iter(seeds[:3]), progress=lambda stage, done, total: stages.append(stage))
    (story,) = digest.stories
    assert isinstance(story.abstract_ar, str) and all(isinstance(s.en, str) for s in story.summary)
    assert digest.models["summary"] == str(tiny_mt5) and digest.models["translation"] == str(tiny_marian)
    assert {"read", "group", "stories", "abstracts", "translate"} <= set(stages)
    assert len(pipe.digest(seeds[:3], digest_threshold=99).stories) == 3  # the option, per call
    bare = Pipeline(None, None, summary_method="extractive").digest(seeds[:3])
    assert bare.models == {"summary": None, "translation": None}
    assert bare.stories[0].abstract_ar == "" and bare.stories[0].summary_en == ""


def test_the_seeds_real_difference_a_name_spelt_two_ways(seeds):
    (story,) = make_digest(seeds).stories
    spellings = [{r.value: set(r.articles) for r in d.reports} for d in story.disagreements if d.kind == "name"]
    assert {"ستيفان", "ستافان"} in [set(s) for s in spellings]
    assert all(len(s) == 2 for s in spellings)


def test_a_digest_stops_when_its_caller_gives_up(seed_texts):
    """A REST client that leaves stops its digest at the next article read (or model batch), as it stops a
    summary: the pipeline checks ``cancelled`` from its progress."""
    from summarizer import Pipeline
    from summarizer.errors import Cancelled

    pipe = Pipeline(None, None, summary_method="lead")
    read = []

    def cancelled() -> bool:
        read.append(1)
        return len(read) > 2

    with pytest.raises(Cancelled):
        pipe.digest(list(seed_texts), cancelled=cancelled)
    assert len(read) == 3  # stopped at once, not after every article
