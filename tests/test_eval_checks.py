"""eval.checks on a slice of the shared data: the report's sections, files and figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eval.checks import Pair, _chrf_cells, _lower_on, bootstrap_difference, inject, main
from tests.conftest import NO_DATA, SHARED_DATA

pytestmark = pytest.mark.slow  # eval.checks' report on a slice of the shared data

needs_data = pytest.mark.skipif(
    not (SHARED_DATA / "flores101-systems" / "devtest").exists()
    or not (SHARED_DATA / "ntrex128" / "dev.jsonl").exists()
    or not (SHARED_DATA / "ant-headlines" / "dev.jsonl").exists(),
    reason=NO_DATA,
)


@needs_data
def test_report_on_a_slice(tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["--data", str(SHARED_DATA), "--out", str(out), "--limit", "40", "--resamples", "50"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("settings: ") and "false alarms flores101-devtest" in printed
    payload = json.loads((out / "checks.json").read_text(encoding="utf-8"))
    assert {"settings", "false_alarms", "recall", "real_systems", "summaries", "environment"} <= set(payload)
    flores = payload["false_alarms"]["flores101-devtest"]
    assert flores["sentences"] == 40 and 0 <= flores["number_rate"] <= 1
    for finding in flores["findings"]:  # each false alarm listed with its reason
        assert finding["code"] and finding["message"] and finding["arabic"] and finding["english"]
    assert payload["ntrex_documents"] == 40
    assert set(payload["recall"]) == {
        "digit-changed", "number-dropped", "scale-swapped", "year-changed", "phrase-repeated", "half-dropped",
        "copied-through",
    }
    assert payload["recall"]["copied-through"]["recall"] == 1.0
    systems = payload["real_systems"]["systems"]
    assert len(systems) == 7 and all(s["sentences"] == 40 for s in systems.values())
    assert payload["real_systems"]["chrf_signature"].startswith("nrefs:1|")
    assert systems["google"]["html_entities"] > 0
    summaries = payload["summaries"]
    assert summaries["articles"] == 40 and set(summaries["recall"]) == {"other-headline", "number-changed", "words-inserted"}
    assert payload["settings"]["length_band"]["low"] < 0 < payload["settings"]["length_band"]["high"]
    markdown = (out / "checks.md").read_text(encoding="utf-8")
    assert "## False alarms on human translations" in markdown and "## Real systems" in markdown
    for section in ("## Negation check", "## Name check"):  # each with its systems and bad-input tables
        part = markdown.split(section, 1)[1].split("\n## ", 1)[0]
        assert "Flagged sentences score lower on" in part and "| bad input | characters | seconds, first run | seconds, best of 3 |" in part
    assert (out / "checks_systems.png").stat().st_size > 0 and (out / "checks_recall.png").stat().st_size > 0


def test_missing_data_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--data", str(tmp_path), "--out", str(tmp_path / "r")])
    assert stop.value.code == 2
    assert "data file(s) not found" in capsys.readouterr().err


def test_injections_are_seeded_and_change_the_sentence():
    import random

    pair = Pair("x", 0, "قتل 270 ألف شخص عام 2019 في الحرب الطويلة", "270,000 people died in 2019 in the long war.")
    for kind in ("digit-changed", "number-dropped", "scale-swapped", "year-changed", "phrase-repeated", "half-dropped"):
        a, b = inject(pair, kind, random.Random(1)), inject(pair, kind, random.Random(1))
        assert a == b and a and a != pair.english, kind
    assert inject(pair, "copied-through", random.Random(1)) == pair.arabic


def test_bootstrap_difference():
    flagged = np.array([True, False] * 50)
    scores = np.where(flagged, 40.0, 60.0) + np.linspace(0, 1, 100)
    diff, low, high = bootstrap_difference(flagged, scores, 200, 0)
    assert low <= diff <= high and 19 < diff < 21


def test_a_system_with_no_flagged_sentence_reads_n_a_not_nan():
    flags = np.zeros(5, dtype=bool)
    diff, low, high = bootstrap_difference(flags, np.arange(5.0), 50, 0)
    none = {"flagged": 0, "chrf_flagged": None, "chrf_unflagged": 2.0, "chrf_difference": diff, "ci_low": low,
            "ci_high": high}
    some = {"flagged": 1, "chrf_flagged": 1.0, "chrf_unflagged": 2.0, "chrf_difference": 1.0, "ci_low": 0.5,
            "ci_high": 1.5}
    assert _chrf_cells(none) == ["n/a", "2.0", "n/a"]
    assert _chrf_cells(some) == ["1.0", "2.0", "+1.0 [+0.5, +1.5]"]
    line = _lower_on({"systems": {"a": some, "b": none}, "flagged_worse": 1})
    assert line == "Flagged sentences score lower on 1 of 2 systems (b: no sentence flagged)."


def test_negation_injections_look_like_mt_errors():
    import random

    from eval.checks import add_negation, remove_negation

    rng = random.Random(0)
    assert remove_negation("The minister did not agree.", rng) == "The minister did agree."
    assert remove_negation("He won't come.", rng) == "He will come."
    assert remove_negation("They cannot vote.", rng) == "They can vote."
    assert remove_negation("The deal was signed.", rng) is None
    assert add_negation("The deal was signed.", rng) == "The deal was not signed."
    assert add_negation("The deal was not signed.", rng) is None  # negated already


@needs_data
def test_negation_section_on_a_slice(tmp_path):
    from eval.checks import flores_pairs, negation_report, ntrex_pairs

    flores, (ntrex, _) = flores_pairs(SHARED_DATA, 30), ntrex_pairs(SHARED_DATA, 3)
    section = negation_report(flores, ntrex, SHARED_DATA, 30, 20, 0)
    assert section["false_alarms"]["flores101-devtest"]["sentences"] == 30
    assert set(section["recall"]) == {"negation-removed", "negation-added"}
    assert len(section["real_systems"]["systems"]) == 7
    assert set(section["bad_inputs"]) == {"100,000 digits", "لا x 20,000", "mixed scripts"}


def test_name_check_on_whole_documents_learns_the_articles_names():
    from eval.checks import documents_of, name_article_false_alarms, name_article_recall

    doc = [Pair("x", 0, "قال ترامب إن المحادثات ستستمر.", "On Monday, Trump said the talks would go on.", "d1"),
           Pair("x", 1, "وقال ترامب إن الاتفاق قريب.", "Then Trump said the deal was close.", "d1"),
           Pair("x", 2, "التقى الصحفيون لافروف.", "The reporters met Lavrov.", "d2"),
           Pair("x", 3, "قال الوزير إن الاتفاق قريب.", "The minister said the deal was close.")]
    assert [[p.index for p in d] for d in documents_of(doc)] == [[0, 1], [2], [3]]
    alarms = name_article_false_alarms(doc)
    assert alarms["documents"] == 3 and alarms["per_code"]["name-missing"] == 0
    recall = name_article_recall(doc, 0)["name-dropped"]
    # Trump dropped from either pair of d1 is caught (the other pair teaches ترامب); Lavrov, alone in d2, is not
    assert recall["injected"] == 3 and recall["caught"] == 2
    assert recall["halves"]["even"]["injected"] == 2 and recall["halves"]["odd"]["caught"] == 1
    assert recall["datasets"]["x"] == {"injected": 3, "caught": 2, "caught_pair_by_pair": 0}


@needs_data
def test_flores_and_ntrex_pairs_carry_their_document_ids():
    from eval.checks import documents_of, flores_pairs, ntrex_pairs

    flores, (ntrex, documents) = flores_pairs(SHARED_DATA), ntrex_pairs(SHARED_DATA, 5)
    if (SHARED_DATA / "flores200" / "devtest.jsonl").exists():
        assert len(documents_of(flores)) == 281 and all(p.document for p in flores)
    assert len(documents_of(ntrex)) == documents == 5
