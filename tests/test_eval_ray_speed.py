"""eval.ray_speed's arithmetic: a configuration's line through two runs, and where two lines cross."""

from __future__ import annotations

import pytest

from eval.ray_speed import break_even, line_through, render


def test_line_through_two_runs():
    line = line_through((5, 30.0), (20, 90.0))  # 4 s an article, 10 s fixed
    assert line["seconds_per_article"] == pytest.approx(4.0)
    assert line["fixed_seconds"] == pytest.approx(10.0)
    assert line["articles_per_second"] == pytest.approx(0.25)


def test_break_even_is_where_ray_overtakes_and_never_when_it_is_slower():
    one = {"fixed_seconds": 3.0, "seconds_per_article": 4.0}
    ray = {"fixed_seconds": 15.0, "seconds_per_article": 2.5}
    assert break_even(one, ray) == pytest.approx(8.0)  # 3 + 4n = 15 + 2.5n
    assert break_even(one, {"fixed_seconds": 15.0, "seconds_per_article": 4.5}) is None
    assert break_even(one, {"fixed_seconds": 1.0, "seconds_per_article": 2.0}) == 0.0
    assert break_even(one, line_through((2, 9.0), (4, 8.0))) is None  # the larger run was faster: noise


def test_report_names_each_configuration_and_the_break_even():
    runs = {5: {"seconds": 30.0}, 20: {"seconds": 90.0}}
    report = {
        "small": 5, "large": 20, "tiny": False, "cores": 2, "shard_size": 4, "group_size": 8,
        "runs": {"one machine": runs, "Ray, 2 workers x 1 core": runs},
        "lines": {"one machine": {**line_through((5, 30.0), (20, 90.0)), "break_even_articles": None},
                  "Ray, 2 workers x 1 core": {**line_through((5, 30.0), (20, 90.0)), "break_even_articles": None}},
        "ray_start": [{"init_seconds": 4.0, "shutdown_seconds": 1.0}],
        "load_average": {"before": (1.0, 1.0, 1.0), "after": (2.0, 2.0, 2.0)},
    }
    text = render(report)
    assert "| one machine | 30.00 | 90.00 | 10.00 | 0.25 | 4.00 | - |" in text
    assert "| Ray, 2 workers x 1 core |" in text and "| never |" in text and "4.0 s" in text
