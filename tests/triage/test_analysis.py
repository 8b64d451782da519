"""Offline analyser: summary shape, skills from the catalogue, priority cues, only-raise.

Pure Python, no database: these tests never touch Django models.
"""

from __future__ import annotations

import json
import re

import pytest

from tessera.core.triage.analysis import (
    NOTES_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    TAXONOMY_PATH,
    OfflineAnalyser,
    TicketAnalysis,
    estimate_final_priority,
    taxonomy_skill_names,
)

SENTENCE_END = re.compile(r"[.!?](\s|$)")


@pytest.fixture(scope="module")
def analyser() -> OfflineAnalyser:
    return OfflineAnalyser()


def sentence_count(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip())) or 1


# ----------------------------------------------------------------------------- summary


def test_summary_is_at_most_two_sentences_from_the_description(analyser):
    description = (
        "Hi team, hope you are well. Since the release this morning the invoice PDF "
        "download returns a 500 error for every customer. I tried Chrome and Firefox. "
        "Our accountant says the old invoices still open fine. The error started right "
        "after the 09:00 deployment. Thanks, Maria"
    )
    result = analyser.analyse(title="Invoice PDF download fails", description=description)
    assert result.summary
    assert sentence_count(result.summary) <= 2
    assert len(result.summary) <= SUMMARY_MAX_CHARS
    # Extractive: every summary sentence comes from the description.
    for sentence in re.split(r"(?<=[.!?])\s+", result.summary):
        assert sentence.rstrip(".!?") in description
    assert "hope you are well" not in result.summary.lower()


def test_summary_strips_a_leading_greeting(analyser):
    result = analyser.analyse(
        title="Routes broken after upgrade",
        description="Hi team, after upgrading React Router our dashboard links all go to "
        "a blank page. Thanks!",
    )
    assert result.summary.startswith("After upgrading React Router")


def test_summary_of_a_very_long_sentence_is_clipped(analyser):
    description = "The sync " + "keeps failing and retrying " * 40 + "forever."
    result = analyser.analyse(title="Sync", description=description)
    assert len(result.summary) <= SUMMARY_MAX_CHARS
    assert result.summary.endswith("…")


def test_empty_ticket_still_gets_an_analysis(analyser):
    result = analyser.analyse(title="", description="")
    assert isinstance(result, TicketAnalysis)
    assert result.summary
    assert result.priority == "medium"
    assert result.related_skills == []
    assert result.helpful_notes.startswith("1. ")


def test_title_only_ticket_uses_the_title(analyser):
    result = analyser.analyse(title="VPN keeps disconnecting", description="")
    assert result.summary == "VPN keeps disconnecting"
    assert "VPN" in result.related_skills


# ----------------------------------------------------------------------------- skills


def test_spec_example_frontend_react_routing(analyser):
    result = analyser.analyse(
        title="Blank page after navigating in the React app",
        description="After the router upgrade, clicking a link in the sidebar changes the URL "
        "but the React app shows a blank page; refreshing the page gives a 404. The browser "
        "console shows no errors.",
    )
    assert {"Frontend Development", "React", "Routing"} <= set(result.related_skills)


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        (
            "Printer offline",
            "The HP printer on floor 2 shows 'offline' and jobs stay in the print queue.",
            "Printing",
        ),
        (
            "Customers charged twice",
            "Several customers were charged twice for one order; Stripe shows two captures.",
            "Payments/Billing",
        ),
        (
            "Too many connections",
            "PostgreSQL logs 'too many clients already' and pages fail to load.",
            "PostgreSQL",
        ),
        (
            "Phishing mail",
            "Staff got a phishing email asking for their mailbox password; one clicked the link.",
            "Security",
        ),
    ],
)
def test_skills_found_for_typical_tickets(analyser, title, description, expected):
    assert expected in analyser.analyse(title=title, description=description).related_skills


def test_related_skills_come_from_the_catalogue(analyser):
    extras = ["Salesforce Administration", "SAP"]
    catalogue = set(taxonomy_skill_names()) | set(extras)
    tickets = [
        ("Outlook keeps asking for my password", "Since the update Outlook prompts every hour."),
        ("Salesforce report broken", "The Salesforce pipeline report shows no rows since Monday."),
        ("Docker build fails", "docker build fails with 'no space left on device' on CI."),
    ]
    for title, description in tickets:
        result = analyser.analyse(title=title, description=description, skill_catalogue=extras)
        assert result.related_skills, title
        assert set(result.related_skills) <= catalogue, title
        assert len(result.related_skills) == len(set(result.related_skills))


def test_moderator_provided_skill_is_matchable(analyser):
    ticket = {
        "title": "Salesforce sync duplicates leads",
        "description": "The Salesforce connector creates two leads for every web form "
        "submission since Monday.",
    }
    without = analyser.analyse(**ticket)
    assert "Salesforce Administration" not in without.related_skills

    with_extra = analyser.analyse(**ticket, skill_catalogue=["Salesforce Administration"])
    assert with_extra.related_skills[0] == "Salesforce Administration"
    # No taxonomy hints for it, so the notes point to someone who knows it.
    assert "Salesforce Administration experience" in with_extra.helpful_notes


def test_moderator_spelling_of_a_taxonomy_alias_is_returned_too(analyser):
    result = analyser.analyse(
        title="Vacuum never finishes",
        description="Autovacuum on our PostgreSQL events table never finishes and disk grows.",
        skill_catalogue=["Postgres"],
    )
    assert "Postgres" in result.related_skills
    assert "PostgreSQL" in result.related_skills


def test_extra_equal_to_a_taxonomy_name_is_not_duplicated(analyser):
    result = analyser.analyse(
        title="Printer jams",
        description="The office printer jams on every duplex job.",
        skill_catalogue=["printing", "PRINTING"],
    )
    assert [s.casefold() for s in result.related_skills].count("printing") == 1


def test_unrelated_extra_skill_is_not_returned(analyser):
    result = analyser.analyse(
        title="Wi-Fi drops in meeting room",
        description="The wireless network in room 3 disconnects every few minutes.",
        skill_catalogue=["Salesforce Administration", "Forklift Maintenance"],
    )
    assert "Salesforce Administration" not in result.related_skills
    assert "Forklift Maintenance" not in result.related_skills
    assert "Wi-Fi" in result.related_skills


def test_analysis_is_deterministic(analyser):
    kwargs = {
        "title": "Checkout slow",
        "description": "Checkout takes 30 seconds since the flash sale started; CPU is at 100%.",
        "skill_catalogue": ["Shopify", "Performance Tuning"],
    }
    assert analyser.analyse(**kwargs) == OfflineAnalyser().analyse(**kwargs)


# ----------------------------------------------------------------------------- notes


def test_helpful_notes_are_numbered_steps_from_the_matched_skills(analyser):
    result = analyser.analyse(
        title="Printer not printing",
        description="Jobs sit in the print queue of the reception printer and nothing comes out.",
    )
    lines = result.helpful_notes.splitlines()
    assert len(lines) >= 3
    for number, line in enumerate(lines, start=1):
        assert line.startswith(f"{number}. ")
    assert "print queue" in result.helpful_notes.lower()
    assert len(result.helpful_notes) <= NOTES_MAX_CHARS


def test_high_priority_notes_start_with_urgency(analyser):
    result = analyser.analyse(
        title="Website down for everyone",
        description="Our website is down for all customers since 9am; nobody can place orders.",
    )
    assert result.priority == "high"
    assert result.helpful_notes.startswith("1. Treat as urgent")


# ----------------------------------------------------------------------------- priority


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Site outage", "The shop is down for all customers and we are losing sales.", "high"),
        (
            "Account compromised",
            "Someone got into my account and sent phishing emails to our clients.",
            "high",
        ),
        ("Nobody can log in", "Nobody in the company can log in since 8am. Urgent!", "high"),
        ("Typo on pricing page", "Small typo: 'Unlimted' should be 'Unlimited'.", "low"),
        (
            "Feature request: dark mode",
            "It would be nice to have a dark theme. Not urgent at all.",
            "low",
        ),
        ("Cosmetic", "The logo is slightly blurry on retina screens. Purely cosmetic.", "low"),
        (
            "Export fails",
            "Exporting the ticket list to CSV fails with a 500 error after 30 seconds.",
            "medium",
        ),
    ],
)
def test_priority_cues(analyser, title, description, expected):
    assert analyser.estimate_priority(title=title, description=description) == expected


def test_negated_urgency_does_not_raise(analyser):
    evidence = analyser.priority_evidence(
        title="Question", description="This is not urgent, just a question about exports."
    )
    assert not any(cue == "urgent" for cue, _ in evidence["high"])
    assert (
        analyser.estimate_priority(
            title="Question", description="This is not urgent, just a question about exports."
        )
        == "low"
    )


def test_leak_of_memory_is_not_a_security_cue(analyser):
    high, _ = analyser.priority_scores(
        title="Memory leak",
        description="The dashboard tab is leaking memory and becomes sluggish after a day.",
    )
    assert high < analyser.HIGH_THRESHOLD


@pytest.mark.parametrize(
    ("default", "estimate", "expected"),
    [
        ("medium", "low", "medium"),
        ("medium", "medium", "medium"),
        ("medium", "high", "high"),
        ("low", "medium", "medium"),
        ("low", "low", "low"),
        ("high", "low", "high"),
        ("high", "medium", "high"),
        ("medium", "urgent", "medium"),  # unknown estimate keeps the default
        ("medium", "", "medium"),
        ("", "low", "medium"),  # empty default = the spec's default "medium"
        ("", "high", "high"),
        ("urgent", "low", "urgent"),  # an unknown default is never lowered
    ],
)
def test_estimate_final_priority_only_raises(default, estimate, expected):
    assert estimate_final_priority(default, estimate) == expected


def test_pipeline_never_lowers_below_medium(analyser):
    result = analyser.analyse(
        title="Idea", description="Would be nice to have a keyboard shortcut."
    )
    assert result.priority == "low"
    assert estimate_final_priority("medium", result.priority) == "medium"


# ----------------------------------------------------------------------------- shape


def test_to_dict_has_the_spec_shape(analyser):
    result = analyser.analyse(title="VPN", description="The VPN client fails to connect.")
    data = result.to_dict()
    assert set(data) == {"summary", "priority", "helpfulNotes", "relatedSkills"}
    assert data["priority"] in {"low", "medium", "high"}
    assert isinstance(data["relatedSkills"], list)
    json.dumps(data)  # serialisable as is
    assert result.source == "offline"


def test_shipped_taxonomy_is_well_formed():
    with open(TAXONOMY_PATH, encoding="utf-8") as fh:
        data = json.load(fh)
    skills = data["skills"]
    names = [s["name"] for s in skills]
    assert 40 <= len(skills) <= 60
    assert len(names) == len(set(names))
    for skill in skills:
        assert 2 <= len(skill["hints"]) <= 4, skill["name"]
        assert skill["aliases"], skill["name"]
        for parent in skill["parents"]:
            assert parent in names
    for required in ("Frontend Development", "React", "Routing", "Databases", "Security"):
        assert required in names
