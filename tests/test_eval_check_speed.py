"""eval.check_speed on small sizes: the report's shape, its ratios, and the generated texts."""

from __future__ import annotations

import json

import pytest

from eval import check_speed
from summarizer.checks.numbers_ar import extract_arabic
from summarizer.checks.numbers_en import extract_english


def test_report_shape(tmp_path, capsys):
    out = tmp_path / "report"
    assert check_speed.main(["--sizes", "40", "20", "80", "--repeats", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| numbers a side | translation CPU s | wall s | x per doubling | disjoint CPU s |" in printed
    payload = json.loads((out / "check_speed.json").read_text(encoding="utf-8"))
    assert {"repeats", "cases", "sizes", "command", "environment"} <= set(payload)
    assert payload["cases"] == ["translation", "disjoint", "summary"]
    assert [row["numbers_a_side"] for row in payload["sizes"]] == [20, 40, 80]  # sorted
    for index, row in enumerate(payload["sizes"]):
        for case in payload["cases"]:
            figures = row[case]
            assert figures["cpu_seconds"] > 0 and figures["wall_seconds"] > 0
            assert figures["quantities"] == 2 * row["numbers_a_side"]
            assert (figures["per_doubling"] is None) == (index == 0)
    assert payload["sizes"][1]["translation"]["findings"] == 4  # one value in ten changed: 40 numbers, 4
    assert (out / "check_speed.md").read_text(encoding="utf-8").startswith("# Cost of the output checks")


def test_ratio_per_doubling():
    assert check_speed.per_doubling(4.0, 1.0, 2000, 1000) == pytest.approx(4.0)
    assert check_speed.per_doubling(4.0, 1.0, 4000, 1000) == pytest.approx(2.0)  # normalised to one doubling
    assert check_speed.per_doubling(1.0, 1.0, 1000, 1000) is None


def test_generated_pair_states_the_numbers_it_promises():
    arabic, english = check_speed.numbers_pair(100, 5)
    assert (arabic, english) == check_speed.numbers_pair(100, 5)  # seeded
    assert len([q for q in extract_arabic(arabic) if q.hard]) == 100
    assert len([q for q in extract_english(english) if q.hard]) == 100
    assert len(check_speed.clauses(arabic)) == 100


def test_bad_sizes_are_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        check_speed.main(["--sizes", "0"])
    assert stop.value.code == 2
