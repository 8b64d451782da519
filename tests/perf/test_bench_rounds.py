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


def test_lists_and_creates_are_set_against_their_least_floor():
    from bench.report_md import vs_least

    rows = {"floor/least-list": {"rps": 400.0}, "floor/least-create": {"rps": 200.0}}
    assert vs_least("tessera-boards/list", {"rps": 100.0}, rows) == 0.25
    assert vs_least("tessera-boards/search_broad", {"rps": 200.0}, rows) == 0.5
    assert vs_least("tessera-boards/create", {"rps": 50.0}, rows) == 0.25
    # a detail has no least floor; the floors and the peer are not set against one
    assert vs_least("tessera-boards/detail", {"rps": 900.0}, rows) is None
    assert vs_least("peer-helpdesk/create", {"rps": 50.0}, rows) is None
    assert vs_least("tessera-boards/list", {"rps": 100.0}, {}) is None
