"""Auto-assignment scoring: worked examples, workload lowering and deterministic ties."""

from __future__ import annotations

import pytest

from tessera.core.triage.assignment import (
    Candidate,
    choose_moderator,
    rank_candidates,
    relevance,
    score_candidate,
    skills_match,
)

RELATED = ["Email", "Microsoft Office"]


def test_worked_example_from_the_module_docstring():
    expert = Candidate(user_id=7, skills={"Email": 5, "Microsoft Office": 3}, open_workload=4)
    generalist = Candidate(user_id=3, skills={"Email": 4}, open_workload=0)
    printer_person = Candidate(user_id=9, skills={"Printing": 5}, open_workload=0)

    assert score_candidate(expert, RELATED) == pytest.approx(1.6 / 2.0)  # 0.8
    assert score_candidate(generalist, RELATED) == pytest.approx(0.8)
    assert score_candidate(printer_person, RELATED) == 0.0

    # Tie at 0.8 -> the lower workload wins; user 9 is not eligible at all.
    ranked = rank_candidates([expert, generalist, printer_person], RELATED)
    assert [c.user_id for c, _ in ranked] == [3, 7]
    assert choose_moderator([expert, generalist, printer_person], RELATED) == 3


def test_workload_lowers_the_score():
    expert = Candidate(user_id=7, skills={"Email": 5, "Microsoft Office": 3}, open_workload=4)
    busy_generalist = Candidate(user_id=3, skills={"Email": 4}, open_workload=2)
    # 0.8 / (1 + 0.25 * 2) = 0.533 < 0.8: the expert wins again.
    assert score_candidate(busy_generalist, RELATED) == pytest.approx(0.8 / 1.5)
    assert choose_moderator([expert, busy_generalist], RELATED) == 7

    same_skills = [
        Candidate(user_id=1, skills={"VPN": 4}, open_workload=3),
        Candidate(user_id=2, skills={"VPN": 4}, open_workload=1),
    ]
    assert choose_moderator(same_skills, ["VPN"]) == 2


def test_formula_values():
    candidate = Candidate(user_id=1, skills={"Networking": 4, "VPN": 5}, open_workload=2)
    # relevance = 4/5 + 5/5 = 1.8; score = 1.8 / (1 + 0.5) = 1.2
    assert relevance(candidate.skills, ["Networking", "VPN", "Security"]) == pytest.approx(1.8)
    assert score_candidate(candidate, ["Networking", "VPN", "Security"]) == pytest.approx(1.2)


def test_tie_on_score_and_workload_goes_to_the_lower_user_id():
    candidates = [
        Candidate(user_id=12, skills={"Linux": 3}, open_workload=1),
        Candidate(user_id=5, skills={"linux": 3}, open_workload=1),
        Candidate(user_id=8, skills={"LINUX": 3}, open_workload=1),
    ]
    assert choose_moderator(candidates, ["Linux"]) == 5
    # Input order does not matter.
    assert choose_moderator(list(reversed(candidates)), ["Linux"]) == 5


def test_float_paths_to_the_same_score_still_tie():
    a = Candidate(user_id=2, skills={"DNS": 2, "Email": 4}, open_workload=0)  # 0.4 + 0.8
    b = Candidate(user_id=1, skills={"DNS": 5, "Email": 1}, open_workload=0)  # 1.0 + 0.2
    assert choose_moderator([a, b], ["DNS", "Email"]) == 1


def test_nobody_matching_means_no_assignment():
    candidates = [Candidate(user_id=1, skills={"Printing": 5}, open_workload=0)]
    assert choose_moderator(candidates, ["Kubernetes"]) is None
    assert choose_moderator([], ["Kubernetes"]) is None
    assert choose_moderator(candidates, []) is None
    assert choose_moderator([Candidate(user_id=2, skills={}, open_workload=0)], ["Email"]) is None


def test_each_related_skill_counts_once_with_the_best_proficiency():
    skills = {"Billing": 2, "Payments/Billing": 4}
    # Both held skills match; the best proficiency (4) counts, and the duplicate related
    # name (different case/spacing) is counted once.
    assert relevance(skills, ["Payments/Billing", "payments / billing"]) == pytest.approx(0.8)


def test_proficiency_is_clamped_to_1_5():
    assert relevance({"Email": 9}, ["Email"]) == pytest.approx(1.0)
    assert relevance({"Email": 0}, ["Email"]) == pytest.approx(0.2)
    assert relevance({"Email": "x"}, ["Email"]) == 0.0  # type: ignore[dict-item]


def test_negative_workload_is_treated_as_zero():
    candidate = Candidate(user_id=1, skills={"Email": 5}, open_workload=-3)
    assert score_candidate(candidate, ["Email"]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("related", "held", "expected"),
    [
        ("Email", "email", True),
        ("Payments/Billing", "payments / billing", True),
        ("Payments/Billing", "Billing", True),
        ("React", "React Native", True),
        ("Postgres", "PostgreSQL", True),
        ("Wi-Fi", "WiFi", True),
        ("Node.js", "NodeJS", True),
        ("Networking", "Network Security", True),
        ("Frontend Development", "Frontend", True),
        ("Frontend Development", "Backend Development", False),
        ("Frontend Development", "Development", False),  # generic word alone
        ("Java", "JavaScript", False),
        ("Printing", "Email", False),
    ],
)
def test_fuzzy_skill_matching(related, held, expected):
    assert skills_match(related, held) is expected
