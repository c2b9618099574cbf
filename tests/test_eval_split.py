"""The splitting benchmark: hand-computed metrics on a tiny set, and the CLI end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from eval import split as bench
from tests.conftest import NO_DATA, ROOT, SHARED_DATA

NTREX = SHARED_DATA / "ntrex128" / "dev.jsonl"
FLORES = SHARED_DATA / "flores200" / "devtest.jsonl"
needs_data = pytest.mark.skipif(not (NTREX.is_file() and FLORES.is_file()), reason=NO_DATA)

HAND_MADE = [
    {"id": "a", "ar": ["جملة أولى.", "جملة ثانية!", "عنوان بلا نقطة"], "en": []},
    {"id": "b", "ar": ["قال د. أحمد إن الجو جميل.\r", "ثم غادر."], "en": []},
    {"id": "c", "ar": ["هل أتيت؟", "نعم."], "en": []},
]


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    path = tmp_path / "hand.jsonl"
    path.write_text(
        "\n".join(json.dumps(doc, ensure_ascii=False) for doc in HAND_MADE) + "\n", encoding="utf-8"
    )
    return path


# --- scoring -------------------------------------------------------------------------------------


def test_boundaries_are_offsets_in_the_whitespace_free_text():
    assert bench.boundaries(["ab. ", " c d.", "ef"]) == {3, 6}
    assert bench.boundaries(["one"]) == set()


def test_score_document_by_hand():
    counts = bench.score_document(["ab.", "cd.", "ef."], ["ab. cd.", "e", "f."])
    # gold cuts {3, 6}, predicted {6, 7}; no predicted sentence equals a gold one
    assert (counts.true_positives, counts.false_positives, counts.false_negatives) == (1, 1, 1)
    assert (counts.gold_sentences, counts.predicted_sentences, counts.exact_sentences) == (3, 3, 0)
    assert counts.precision == counts.recall == counts.f1 == 0.5
    assert counts.exact_rate == 0.0


def test_score_document_ignores_whitespace():
    counts = bench.score_document(["a b.", "c d."], ["ab .", " c  d."])
    assert counts.f1 == 1.0 and counts.exact_rate == 1.0


def test_score_document_rejects_lost_text():
    with pytest.raises(ValueError):
        bench.score_document(["ab.", "cd."], ["ab."])


def test_inline_counts_leave_out_line_breaks():
    counts = bench.score_document(["ab.", "cd.", "ef"], ["ab.", "cd.ef"], article="ab. cd.\nef")
    assert (counts.true_positives, counts.false_negatives) == (1, 1)
    assert (counts.inline_true_positives, counts.inline_false_negatives) == (1, 0)
    assert counts.inline_f1 == 1.0


def test_false_cuts_inside_merged_segments_are_counted_apart():
    # gold: "ab. cd." is one segment (index 0) that the English shows to be two sentences
    counts = bench.score_document(["ab. cd.", "ef.", "gh"], ["ab.", "cd.", "e", "f.", "gh"], merged={0})
    assert (counts.false_positives, counts.false_positives_in_merged) == (2, 1)
    assert bench.score_document(["ab. cd.", "ef."], ["ab.", "cd.", "ef."]).false_positives_in_merged == 0


def test_quoted_offsets_only_count_quotations_closed_on_their_line():
    article = 'قال "أ. ب." ثم\nسطر "مفتوح. بلا\n«ج. د» هـ'
    # whitespace-free: 'قال"أ.ب."ثم' (0-10), 'سطر"مفتوح.بلا' (11-23), '«ج.د»هـ' (24-30)
    assert bench.quoted_offsets(article) == set(range(4, 9)) | set(range(25, 29))
    counts = bench.score_document(['قال "أ.', 'ب." ثم'], ['قال "أ.', 'ب." ثم'], article='قال "أ. ب." ثم')
    assert (counts.quoted_cuts, counts.quoted_true_positives) == (1, 1)


def test_merged_segments_use_the_english_side():
    document = bench.Document("d", ("أ. ب.", "ج."), ("One. Two.", "Three."))
    assert bench.merged_segments(document, bench.english_segmenter()) == {0}
    # without an aligned English side nothing is known to be merged
    assert bench.merged_segments(bench.Document("d", ("أ. ب.",)), bench.english_segmenter()) == set()


def test_sign_test_by_hand():
    assert bench.sign_test(0, 0) == 1.0
    assert bench.sign_test(3, 3) == 1.0
    assert bench.sign_test(9, 0) == pytest.approx(2 / 2**9)
    assert bench.sign_test(8, 1) == pytest.approx(2 * 10 / 2**9)  # P(X <= 1) = (1 + 9) / 512
    assert bench.sign_test(1, 8) == bench.sign_test(8, 1)


def test_compare_counts_disagreements_by_who_the_gold_supports(hand_made: Path):
    results = bench.run_benchmark([hand_made], glued=[0.0], seed=0)
    found = {c.baseline: c for c in bench.comparisons(results)}
    assert set(found) == {"regex", "pysbd"}
    # The regex's one mistake is its cut after "د.": the only disagreement, and ours is right.
    regex = found["regex"]
    assert (regex.ours_right, regex.baseline_right) == (1, 0)
    assert regex.difference == pytest.approx(1 - 8 / 9)
    assert regex.ci_low <= regex.difference <= regex.ci_high
    assert regex.sign_test_p == 1.0  # one disagreement proves nothing


def test_compare_of_a_splitter_with_itself_is_zero(hand_made: Path):
    results = bench.run_benchmark([hand_made], glued=[0.0], seed=0, chosen={"ours": bench.split_sentences})
    same = bench.compare(results[0], results[0])
    assert (same.ours_right, same.baseline_right, same.ci_low, same.ci_high) == (0, 0, 0.0, 0.0)


def test_compare_refuses_different_documents(hand_made: Path):
    results = bench.run_benchmark(
        [hand_made], glued=[0.0, 1.0], seed=0, chosen={"ours": bench.split_sentences}
    )
    with pytest.raises(ValueError):
        bench.compare(results[0], results[1])


def test_hand_made_set_metrics(hand_made: Path):
    results = bench.run_benchmark([hand_made], glued=[0.0], seed=0)
    by_name = {r.splitter: r.counts for r in results}
    assert set(by_name) == {"ours", "regex", "pysbd"}

    ours = by_name["ours"]
    assert (ours.documents, ours.gold_sentences, ours.predicted_sentences) == (3, 7, 7)
    assert (ours.true_positives, ours.false_positives, ours.false_negatives) == (4, 0, 0)
    assert ours.precision == ours.recall == ours.f1 == ours.exact_rate == 1.0

    # The regex also cuts after "د." (doctor): one false boundary, the first sentence of b is lost.
    regex = by_name["regex"]
    assert (regex.true_positives, regex.false_positives, regex.false_negatives) == (4, 1, 0)
    assert regex.predicted_sentences == 8
    assert regex.precision == pytest.approx(0.8)
    assert regex.recall == 1.0
    assert regex.f1 == pytest.approx(8 / 9)
    assert regex.exact_rate == pytest.approx(6 / 7)

    for counts in by_name.values():
        for value in (counts.precision, counts.recall, counts.f1, counts.inline_f1, counts.exact_rate):
            assert 0.0 <= value <= 1.0


def test_glued_variant_on_hand_made_set(hand_made: Path):
    results = bench.run_benchmark([hand_made], glued=[1.0], seed=0, chosen={"ours": bench.split_sentences})
    assert results[0].variant == "glued 100%"
    assert results[0].counts.f1 == 1.0


# --- articles ------------------------------------------------------------------------------------


def test_load_documents_strips_carriage_returns(hand_made: Path):
    documents = bench.load_documents(hand_made)
    assert [d.id for d in documents] == ["a", "b", "c"]
    assert documents[1].sentences[0] == "قال د. أحمد إن الجو جميل."
    assert len(bench.load_documents(hand_made, limit=2)) == 2


def test_build_article_layout():
    sentences = [f"الجملة رقم {i}." for i in range(12)] + ["عنوان بلا نقطة", "جملة أخيرة."]
    article = bench.build_article(sentences, seed="x")
    assert article == bench.build_article(sentences, seed="x")  # deterministic
    lines = article.split("\n")
    assert "عنوان بلا نقطة" in lines  # a sentence without a stop is a line of its own
    assert all(1 <= len(re.findall(r"\.", line)) <= 4 for line in lines if line != "عنوان بلا نقطة")
    assert re.sub(r"\s+", "", article) == re.sub(r"\s+", "", "".join(sentences))


def test_build_article_glue_keeps_the_layout():
    sentences = [f"الجملة رقم {i}." for i in range(20)]
    normal = bench.build_article(sentences, seed=3)
    glued = bench.build_article(sentences, seed=3, glued=1.0)
    assert glued.count("\n") == normal.count("\n")
    assert ". " not in glued and ". " in normal
    assert re.sub(r"\s+", "", glued) == re.sub(r"\s+", "", normal)


def test_naive_split_is_the_documented_regex():
    assert bench.naive_split("قال د. أحمد.وقال آخر\nسطر ثان؟ نعم") == [
        "قال د.",
        "أحمد.وقال آخر",
        "سطر ثان؟",
        "نعم",
    ]


# --- real data and CLI ---------------------------------------------------------------------------


@needs_data
def test_run_benchmark_on_a_few_real_documents():
    results = bench.run_benchmark([NTREX, FLORES], glued=[0.0, 0.3], limit=3, seed=0)
    assert len(results) == 2 * 2 * 3
    assert {r.dataset for r in results} == {"ntrex128/dev", "flores200/devtest"}
    for result in results:
        data = result.to_dict()
        for key in ("precision", "recall", "f1", "inline_f1", "exact_rate"):
            assert 0.0 <= data[key] <= 1.0
        assert data["documents"] == 3


@needs_data
def test_cli_end_to_end(tmp_path: Path):
    out = tmp_path / "report"
    completed = subprocess.run(
        [sys.executable, "-m", "eval.split", "--limit", "5", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "| ours |" in completed.stdout
    assert "| F1 difference |" in completed.stdout
    for name in ("split.json", "split.md", "split_f1.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    payload = json.loads((out / "split.json").read_text(encoding="utf-8"))
    assert payload["settings"]["limit"] == 5
    assert "environment" in payload
    assert len(payload["results"]) == 2 * 2 * 3
    assert len(payload["comparisons"]) == 2 * 2 * 2
    for row in payload["comparisons"]:
        assert row["ci_low"] <= row["ci_high"]
        assert 0.0 <= row["sign_test_p"] <= 1.0
    for row in payload["results"]:
        for key in ("precision", "recall", "f1", "inline_f1", "exact_rate"):
            assert 0.0 <= row[key] <= 1.0


def test_cli_json_on_hand_made_set(hand_made: Path, tmp_path: Path, capsys):
    assert bench.main(["--data", str(hand_made), "--glued", "0", "--json", "--out", str(tmp_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    ours = next(r for r in printed["results"] if r["splitter"] == "ours")
    assert ours["f1"] == 1.0 and ours["exact_sentences"] == 7
    assert (tmp_path / "split.md").is_file()


def test_cli_rejects_bad_arguments(tmp_path: Path):
    with pytest.raises(SystemExit):
        bench.main(["--data", str(tmp_path / "missing.jsonl")])
    with pytest.raises(SystemExit):
        bench.parse_args(["--glued", "1.5"])


def test_cli_help():
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(["--help"])
    assert exit_info.value.code == 0
