"""``bench/run.py --rounds N`` reports, per scenario, the round with the median req/s and
every round's figure, so one noisy run does not decide a row."""

from __future__ import annotations

from bench.report_md import render
from bench.run import median_of_rounds


def test_median_round_per_scenario_with_the_spread():
    rounds = [
        {"a/list": {"rps": 100.0, "p99_ms": 90.0}, "a/search": {"skipped": "not offered"}},
        {"a/list": {"rps": 300.0, "p99_ms": 30.0}, "a/search": {"skipped": "not offered"}},
        {"a/list": {"rps": 200.0, "p99_ms": 50.0}, "a/search": {"skipped": "not offered"}},
    ]
    merged = median_of_rounds(rounds)
    assert merged["a/list"] == {"rps": 200.0, "p99_ms": 50.0, "rounds_rps": [100.0, 200.0, 300.0]}
    assert merged["a/search"] == {"skipped": "not offered"}
    # two rounds: the lower middle (the conservative figure)
    assert median_of_rounds(rounds[:2])["a/list"]["rps"] == 100.0
    # one round: unchanged
    assert median_of_rounds(rounds[:1]) == rounds[0]


def test_report_shows_each_rounds_figure():
    report = {
        "tickets": 10,
        "connections": 8,
        "duration_s": 5,
        "rounds": 3,
        "memory_rss_mb": {},
        "rows": [{"key": "a/list", "rps": 200.0, "rounds_rps": [100.0, 200.0, 300.0]}],
    }
    text = render(report)
    assert "median of 3 rounds" in text
    assert "| a/list | 200.0 [100, 200, 300] |" in text
