"""Offline AI triage for support tickets (document 001, "ai-processing").

Why an offline analyser at all: the support surface must triage every ticket even when no
LLM provider is configured, the key is missing, or the remote call fails. This module is
the always-available baseline (and the fallback of every remote provider in
``providers.py``). It is deterministic, needs no network or key, and uses only the
standard library so it can run inside any background worker.

How it works, in short (details in docs/triage.md):

* Text is lower-cased, contractions are expanded ("can't" -> "cannot") and tokens are
  lightly stemmed, so "printers"/"printer" and "crashes"/"crash" meet.
* Skills: each skill of the catalogue (the shipped taxonomy in
  ``data/skills_taxonomy.json`` plus any extra names passed in, e.g. moderators' skills)
  gets a score from phrase matches of its aliases (strong evidence) and keywords (weak
  evidence), matches in the title counting more, plus a TF-IDF cosine between the ticket
  and the skill's vocabulary. The best skills above an absolute and a relative threshold
  are kept, and the parent area of a specific skill is added (React -> Frontend
  Development), as in the spec's example.
* Priority: weighted cue phrases for "high" (outage, security, many users, money,
  urgency) and "low" (feature request, cosmetic, question, "not urgent"), with negation
  and "problem words" taken into account. The estimate may be "low"; the pipeline then
  applies :func:`estimate_final_priority`, which only ever raises the default.
* Summary: extractive; the one or two most informative sentences of the description
  (overlap with the title and with matched skill vocabulary), at most 300 characters.
* Helpful notes: numbered troubleshooting steps assembled from the hints of the matched
  skills.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PRIORITIES: tuple[str, ...] = ("low", "medium", "high")
DEFAULT_PRIORITY = "medium"
SUMMARY_MAX_CHARS = 300
# Ticket storage keeps at most 2000 characters of helpful notes.
NOTES_MAX_CHARS = 2000
TAXONOMY_PATH = Path(__file__).with_name("data") / "skills_taxonomy.json"


@dataclass(frozen=True)
class TicketAnalysis:
    """Result of the "ai-processing" step; mirrors the spec's ``TicketAnalysis`` interface.

    Python attributes are snake_case; :meth:`to_dict` produces the spec's camelCase wire
    shape so API layers and remote providers share one representation. Frozen so that a
    stored analysis cannot be altered by accident after the fact.
    """

    summary: str
    priority: str
    helpful_notes: str
    related_skills: list[str] = field(default_factory=list)
    # Which provider produced the result ("offline", "gemini", "openai"). Not part of the
    # spec's shape, so not in to_dict(); callers may store it to show how a ticket was
    # triaged (e.g. that a remote call fell back to the offline analyser).
    source: str = field(default="offline", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The spec's JSON shape: ``summary``, ``priority``, ``helpfulNotes``, ``relatedSkills``."""
        return {
            "summary": self.summary,
            "priority": self.priority,
            "helpfulNotes": self.helpful_notes,
            "relatedSkills": list(self.related_skills),
        }


def estimate_final_priority(default: str, estimate: str) -> str:
    """Combine the ticket's default priority with the analyser's estimate, only raising.

    The spec lets analysis raise a ticket's priority but never lower it, so the result is
    ``max(default, estimate)`` on the order low < medium < high. Values outside that
    scale are never allowed to lower anything: an unknown estimate keeps the default, an
    empty default counts as the spec's default "medium", and any other unknown default
    (e.g. a blueprint's "urgent") is returned unchanged because it cannot be compared.
    """
    base = default or DEFAULT_PRIORITY
    if base not in PRIORITIES or estimate not in PRIORITIES:
        return base
    return max(base, estimate, key=PRIORITIES.index)


# --------------------------------------------------------------------------- text helpers

_CONTRACTIONS = (
    (re.compile(r"\bcan['’]t\b"), "cannot"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"\bshan['’]t\b"), "shall not"),
    (re.compile(r"n['’]t\b"), " not"),
    (re.compile(r"['’](s|d|ll|re|ve|m)\b"), r" \1"),
)
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n+")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s d ll re ve m t hi hello thanks thank please regards cheers
    team dear morning afternoon evening get got since still even already one two us let
    like also really yes ok okay""".split()
)


# Words whose inflection means something else: Microsoft Teams is not a team, Windows is
# not a window, and a customer who "reported" a bug is not asking for "reporting".
_UNSTEMMED = frozenset(
    {
        "teams",
        "windows",
        "ios",
        "macos",
        "analytics",
        "sales",
        "news",
        "status",
        "reported",
        "reporting",
    }
)


def _stem(token: str) -> str:
    """A deliberately light stemmer: enough to merge plurals and -ing/-ed forms.

    A full Porter stemmer would also merge unrelated words ("general"/"generate"), and the
    alias lists are written in plain word forms, so a conservative rule set is safer.
    """
    if len(token) <= 3 or token.isdigit() or token in _UNSTEMMED:
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("ing") and len(token) > 5:
        base = token[:-3]
        return base[:-1] if len(base) > 2 and base[-1] == base[-2] else base
    if token.endswith("ed") and len(token) > 4:
        base = token[:-2]
        if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls":
            return base[:-1]
        return base
    if token.endswith("es") and len(token) > 4 and token[-3] in "sxz":
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _normalise(text: str) -> str:
    text = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def tokenize(text: str) -> list[str]:
    """Lower-case, expand contractions, split on non-alphanumerics and stem."""
    return [_stem(tok) for tok in _TOKEN_RE.findall(_normalise(text))]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


class _TokenIndex:
    """Positions of every token of a text, for fast phrase lookups."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.positions: dict[str, list[int]] = {}
        for i, tok in enumerate(tokens):
            self.positions.setdefault(tok, []).append(i)

    def find(self, phrase: tuple[str, ...]) -> list[int]:
        """Start offsets of ``phrase`` in the text."""
        if not phrase:
            return []
        starts = self.positions.get(phrase[0], [])
        if len(phrase) == 1:
            return list(starts)
        n = len(phrase)
        return [i for i in starts if tuple(self.tokens[i : i + n]) == phrase]


# --------------------------------------------------------------------------- taxonomy


@dataclass(frozen=True)
class Skill:
    """One skill of the catalogue: shipped taxonomy entry or a moderator-provided name."""

    name: str
    aliases: tuple[tuple[str, ...], ...]
    keywords: tuple[tuple[str, ...], ...]
    hints: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    extra: bool = False

    @property
    def key(self) -> str:
        return _skill_key(self.name)


def _skill_key(name: str) -> str:
    return " ".join(_TOKEN_RE.findall(_normalise(name)))


def _dedupe_phrases(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    seen: dict[tuple[str, ...], None] = {}
    for raw in phrases:
        phrase = _phrase(raw)
        if phrase:
            seen.setdefault(phrase, None)
    return tuple(seen)


def load_taxonomy(path: Path | str = TAXONOMY_PATH) -> tuple[Skill, ...]:
    """Read the shipped taxonomy JSON into :class:`Skill` objects."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    skills = []
    for entry in data["skills"]:
        name = entry["name"]
        # The skill's own name always counts as a strong alias.
        aliases = _dedupe_phrases([name, *entry.get("aliases", [])])
        # After stemming a keyword can equal an alias ("sync"/"syncing"); count it once.
        alias_set = set(aliases)
        keywords = tuple(
            k for k in _dedupe_phrases(entry.get("keywords", [])) if k not in alias_set
        )
        skills.append(
            Skill(
                name=name,
                aliases=aliases,
                keywords=keywords,
                hints=tuple(entry.get("hints", [])),
                parents=tuple(entry.get("parents", [])),
            )
        )
    return tuple(skills)


@lru_cache(maxsize=1)
def default_taxonomy() -> tuple[Skill, ...]:
    """The shipped taxonomy, parsed once per process."""
    return load_taxonomy()


def taxonomy_skill_names() -> list[str]:
    """Names of the shipped skills, e.g. for prompts and for validating remote answers."""
    return [skill.name for skill in default_taxonomy()]


# Words that say little about *which* skill a moderator-provided name refers to, so they
# are not enough on their own to match "Salesforce Administration" to "administration".
_GENERIC_SKILL_WORDS = frozenset(
    _stem(w)
    for w in """development developer engineering engineer administration admin
    administrator support management manager systems system services service skills skill
    operations general basics advanced expert specialist troubleshooting and or of the
    for with""".split()
)


# --------------------------------------------------------------------------- priority cues

# (phrase, weight). Phrases are matched on normalised, stemmed tokens.
_HIGH_CUES: tuple[tuple[str, float], ...] = (
    # outages and scope
    ("outage", 3),
    ("is down", 3),
    ("are down", 3),
    ("went down", 3),
    ("been down", 3),
    ("site down", 3),
    ("goes down", 2),
    ("website down", 3),
    ("unreachable", 2),
    ("unavailable", 2),
    ("not responding", 1.5),
    ("nobody", 2.5),
    ("no one", 2.5),
    ("none of", 2.5),
    ("any of our", 2),
    ("entire", 1.5),
    ("any of the", 1),
    ("cannot reach", 1),
    ("customer facing", 1.5),
    ("no orders", 3),
    ("everyone", 2),
    ("everybody", 2),
    ("every customer", 3),
    ("every agent", 3),
    ("all customers", 3),
    ("all of our customers", 3),
    ("all users", 3),
    ("all staff", 3),
    ("all agents", 3),
    ("all teams", 3),
    ("all our", 1),
    ("company wide", 3),
    ("for the whole company", 3),
    ("half the team", 2),
    ("half of the team", 2),
    ("all handheld", 2),
    ("cannot work", 2.5),
    ("unable to work", 3),
    ("cannot log in", 1),
    ("cannot access", 1),
    ("people who cannot", 2),
    # business impact
    ("production", 2),
    ("losing money", 3),
    ("losing customers", 3),
    ("losing business", 3),
    ("lost orders", 3),
    ("losing orders", 3),
    ("losing sales", 3),
    ("lost about", 1),
    ("revenue", 2),
    ("no payment", 3),
    ("charged twice", 3),
    ("duplicate charge", 3),
    ("double charged", 3),
    ("cash flow", 2),
    ("nothing is shipping", 3),
    ("cannot ship", 3),
    ("payroll", 2),
    ("compliance", 2),
    ("regulated", 1.5),
    ("board meeting", 2),
    ("customer meeting", 1.5),
    ("customers cannot", 2.5),
    ("customers are being charged", 3),
    ("flooded", 2),
    ("queue is building", 2),
    ("queue is growing", 2),
    ("release is blocked", 2.5),
    ("nobody can deploy", 3),
    ("no one can merge", 3),
    ("blocked", 1),
    ("month end", 1.5),
    # data loss
    ("data loss", 3),
    ("lost data", 3),
    ("wiped", 2),
    ("accidentally", 1),
    ("by mistake", 1),
    ("deleted", 1.5),
    ("restored", 1.5),
    ("no recent backup", 3),
    ("corrupted", 2),
    # security
    ("breach", 3),
    ("hacked", 3),
    ("compromised", 3),
    ("phishing", 3),
    ("ransomware", 3),
    ("malware", 3),
    ("virus", 2),
    ("defaced", 3),
    ("stolen", 3),
    ("data leak", 3),
    ("permissions leak", 3),
    ("been leaked", 3),
    ("was leaked", 3),
    ("exposed", 2),
    ("public repository", 2),
    ("public read access", 3),
    ("unauthorized access", 3),
    ("unauthorised access", 3),
    ("someone got in", 3),
    ("already got in", 3),
    ("got into our", 2),
    ("got into the", 2),
    ("credentials", 1),
    ("sign in from", 1.5),
    ("wipe", 2),
    ("suspicious", 1.5),
    ("shouldn't be visible", 2.5),
    ("should not be visible", 2.5),
    ("another company", 2.5),
    ("critical vulnerability", 3),
    ("lost my", 2),
    ("rotate everything", 2),
    ("demanding payment", 3),
    ("bitcoin", 3),
    # urgency
    ("urgent", 3),
    ("urgently", 3),
    ("asap", 3),
    ("as soon as possible", 2),
    ("immediately", 2),
    ("right away", 2),
    ("emergency", 3),
    ("critical", 2),
    ("in an hour", 1.5),
    ("before tonight", 1.5),
    ("today", 0.5),
    ("expired", 1),
    ("expires in", 1),
    ("will stop working", 2),
    ("going down", 2),
    ("close to falling over", 2.5),
    ("cannot use", 1),
    ("completely", 1),
    ("rely on", 1),
    ("relies on", 1),
    ("depend on", 1),
)

_LOW_CUES: tuple[tuple[str, float], ...] = (
    ("feature request", 3),
    ("feature idea", 3),
    ("would be nice", 3),
    ("would be great", 3),
    ("would be helpful", 3),
    ("would be handy", 3),
    ("would be useful", 3),
    ("would be really useful", 3),
    ("it d be", 2),
    ("would it be possible", 2),
    ("nice to have", 3),
    ("suggestion", 3),
    ("idea", 2),
    ("cosmetic", 3),
    ("typo", 3),
    ("spelling", 2),
    ("minor", 2),
    ("small thing", 3),
    ("not a big deal", 3),
    ("not a problem", 2),
    ("not urgent", 3),
    ("no rush", 3),
    ("not pressing", 3),
    ("low priority", 3),
    ("when you have time", 2),
    ("when they have time", 2),
    ("when you get a chance", 2),
    ("whenever", 2),
    ("at some point", 1.5),
    ("not blocking", 2.5),
    ("not stopping", 2),
    ("no action needed", 3),
    ("no immediate issue", 3),
    ("nothing is broken", 2),
    ("nothing visibly broken", 2),
    ("just curious", 2.5),
    ("just a question", 3),
    ("just noticed", 2),
    ("just gathering", 2),
    ("just planning", 2),
    ("planning ahead", 2),
    ("plan the", 1),
    ("question", 1),
    ("wondering", 1.5),
    ("next month", 1.5),
    ("next quarter", 2),
    ("next week", 1),
    ("end of next week", 1.5),
    ("next few weeks", 1.5),
    ("roadmap", 2),
    ("is there a way", 1.5),
    ("where can i", 1.5),
    ("where do i", 1.5),
    ("how can i", 1),
    ("how do i", 1),
    ("how long", 1),
    ("could i get", 2),
    ("can i get", 1.5),
    ("could we get", 1.5),
    ("can we get", 1.5),
    ("can we order", 2),
    ("could you add", 1.5),
    ("would like", 1),
    ("i need access", 2),
    ("approved", 1.5),
    ("could it be", 1),
    ("could the", 1),
    ("could we switch", 2),
    ("please add me", 2),
    ("new starter", 2),
    ("new hire", 2),
    ("joins", 1),
    ("starts on", 1.5),
    ("any advice", 1.5),
    ("any guidance", 1.5),
    ("happy to test", 1.5),
    ("annoying but", 1.5),
    ("i can keep working", 1.5),
    ("can still", 0.5),
    ("workaround", 0.5),
    ("small change", 1.5),
)

# Words describing a malfunction: they make a ticket "a standard functionality issue"
# rather than a question or wish, so they weaken low cues.
_PROBLEM_CUES: tuple[str, ...] = (
    "error",
    "fail",
    "fails",
    "failing",
    "failed",
    "not working",
    "does not work",
    "crash",
    "crashes",
    "broken",
    "cannot",
    "unable",
    "stopped",
    "will not",
    "does not",
    "keeps",
    "wrong",
    "lost",
    "stuck",
)

# Patterns on the normalised raw text, for cues that are not fixed phrases.
_HIGH_PATTERNS: tuple[tuple[re.Pattern[str], float, str], ...] = (
    # Head-counts: "our 60 agents", "300 people can't work", "about 200 customers".
    (
        re.compile(
            r"\b\d{2,}\s+(people|users|agents|customers|staff|employees|engineers|"
            r"developers|colleagues|members|stores|shops|sites)\b"
        ),
        2.0,
        "many people affected",
    ),
    (
        re.compile(
            r"\b(two|three|four|five|several|multiple|many)\s+(of\s+(our|the)\s+)?"
            r"(people|users|agents|customers|developers|colleagues|engineers|staff)\b"
        ),
        1.0,
        "several people affected",
    ),
    # Whole units: "the whole office", "every machine", "all four branches".
    (
        re.compile(
            r"\b(whole|entire)\s+(company|team|office|building|department|floor|site|"
            r"organi[sz]ation|staff|warehouse|support team)\b|"
            r"\ball\s+(\w+\s+)?(branches|offices|sites|stores|locations|teams|departments)\b"
        ),
        2.0,
        "whole site or team affected",
    ),
    (
        re.compile(
            r"\b(every|any|all)\s+(ticket|message|query|page|order|call|request|connection|"
            r"customer|user|agent|machine|pc|device|computer)s?\b"
        ),
        1.5,
        "every request affected",
    ),
    # An ongoing outage with a duration: "down for 20 minutes", "for the past hour".
    (
        re.compile(
            r"\bfor\s+(the\s+)?((last|past)\s+)?(\d+|half an?|an?|two|three)\s*"
            r"(minutes|mins|hours?)\b"
        ),
        1.0,
        "ongoing for a while",
    ),
    # Credentials typed into a phishing page: "entered their password", "typed in her password".
    (
        re.compile(
            r"\b(entered|typed( in)?|gave|submitted)\s+(their|her|his|my|our)\s+"
            r"(password|credentials|login)"
        ),
        3.0,
        "credentials disclosed",
    ),
    # A same-day deadline: "presentation at 2pm", "meeting there at 10", "courier comes at 3pm".
    (
        re.compile(
            r"\b(at|by|before)\s+\d{1,2}(:\d\d)?\s*(am|pm)\b|"
            r"\b(meeting|presentation|call|review)\b[^.?!]{0,30}\bat\s+\d{1,2}(:\d\d)?\b"
        ),
        1.5,
        "same-day deadline",
    ),
)

_NEGATORS = frozenset({"not", "no", "never", "nothing", "without"})
# High cues that a nearby negation turns off ("not urgent", "nothing critical").
_NEGATABLE = frozenset(
    _phrase(p)
    for p in ("urgent", "critical", "blocked", "emergency", "asap", "immediately", "production")
)


def _compile_cues(
    cues: Iterable[tuple[str, float]],
) -> tuple[tuple[tuple[str, ...], float], ...]:
    """Stem the cue phrases; stemming can merge two cues ("leak"/"leaked"): keep the max."""
    compiled: dict[tuple[str, ...], float] = {}
    for phrase, weight in cues:
        key = _phrase(phrase)
        compiled[key] = max(weight, compiled.get(key, weight))
    return tuple(compiled.items())


_HIGH = _compile_cues(_HIGH_CUES)
_LOW = _compile_cues(_LOW_CUES)
_PROBLEMS = tuple(dict.fromkeys(_phrase(p) for p in _PROBLEM_CUES))

# Greetings and sign-offs carry no information about the problem: "Hi team,",
# "Hello Anna!", "Good morning.", "Thanks," ... (up to a few words before the comma).
_FILLER_RE = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|thanks|thank you|many thanks|"
    r"regards|best regards|kind regards|cheers)\b([^,.!?]{0,20}[,.!]|\s*$)\s*",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- analyser


@dataclass
class _Scored:
    skill: Skill
    score: float


class OfflineAnalyser:
    """Deterministic keyword/TF-IDF triage; see the module docstring for the method.

    The tuning constants are class attributes so that tests (and a future per-project
    configuration) can adjust them without subclassing gymnastics.
    """

    ALIAS_WEIGHT = 3.0
    KEYWORD_WEIGHT = 1.0
    TITLE_FACTOR = 1.5
    COSINE_WEIGHT = 3.0
    MIN_SKILL_SCORE = 3.5
    RELATIVE_CUTOFF = 0.4
    MAX_SKILLS = 3
    MAX_HINT_STEPS = 6

    HIGH_THRESHOLD = 3.0
    LOW_THRESHOLD = 2.0

    def __init__(self, taxonomy: Sequence[Skill] | None = None) -> None:
        self.taxonomy: tuple[Skill, ...] = (
            tuple(taxonomy) if taxonomy is not None else default_taxonomy()
        )
        self._by_key = {skill.key: skill for skill in self.taxonomy}
        self._by_name = {skill.name: skill for skill in self.taxonomy}
        self._alias_owner: dict[tuple[str, ...], list[Skill]] = {}
        for skill in self.taxonomy:
            for alias in skill.aliases:
                self._alias_owner.setdefault(alias, []).append(skill)

    # ----------------------------------------------------------------- public API

    def analyse(
        self,
        *,
        title: str,
        description: str,
        skill_catalogue: Sequence[str] | None = None,
    ) -> TicketAnalysis:
        """Analyse one ticket.

        ``skill_catalogue`` holds extra skill names (typically the skills the project's
        moderators declared); they are matched alongside the shipped taxonomy so that
        auto-assignment can find a moderator for skills the taxonomy does not know.
        """
        title = (title or "").strip()
        description = (description or "").strip()
        title_index = _TokenIndex(tokenize(title))
        body_index = _TokenIndex(tokenize(description))

        skills = self._catalogue(skill_catalogue)
        scored = self._score_skills(skills, title_index, body_index)
        selected = self._select(scored)
        priority = self.estimate_priority(title=title, description=description)
        summary = self.summarise(title=title, description=description, skills=selected)
        notes = self._helpful_notes(selected, priority)
        return TicketAnalysis(
            summary=summary,
            priority=priority,
            helpful_notes=notes,
            related_skills=[s.name for s in selected],
        )

    def estimate_priority(self, *, title: str, description: str) -> str:
        """Estimate low/medium/high from cue phrases; "medium" when nothing stands out."""
        high, low = self.priority_scores(title=title, description=description)
        if high >= self.HIGH_THRESHOLD and high >= low:
            return "high"
        if low >= self.LOW_THRESHOLD and high < self.HIGH_THRESHOLD - 1:
            return "low"
        return "medium"

    def priority_scores(self, *, title: str, description: str) -> tuple[float, float]:
        """(high score, low score) of a ticket; exposed for debugging and tests."""
        evidence = self.priority_evidence(title=title, description=description)
        high = sum(w for _, w in evidence["high"])
        low = sum(w for _, w in evidence["low"])
        return high, max(low, 0.0)

    def priority_evidence(
        self, *, title: str, description: str
    ) -> dict[str, list[tuple[str, float]]]:
        """The cue phrases that fired, with their weights, grouped as "high" and "low".

        Kept separate from :meth:`priority_scores` so a moderator (or a test) can see *why*
        a ticket was estimated the way it was.
        """
        text = f"{title} . {description}"
        tokens = tokenize(text)
        index = _TokenIndex(tokens)
        high: list[tuple[str, float]] = []
        low: list[tuple[str, float]] = []

        masked: set[int] = set()
        for phrase, weight in _LOW:
            hits = index.find(phrase)
            if hits:
                low.append((" ".join(phrase), weight))
                for start in hits:
                    masked.update(range(start, start + len(phrase)))

        for phrase, weight in _HIGH:
            for start in index.find(phrase):
                if start in masked:
                    continue
                if phrase in _NEGATABLE and _NEGATORS.intersection(
                    tokens[max(0, start - 3) : start]
                ):
                    continue
                high.append((" ".join(phrase), weight))
                break

        lowered = _normalise(text)
        for pattern, weight, label in _HIGH_PATTERNS:
            if pattern.search(lowered):
                high.append((label, weight))

        problems = [" ".join(p) for p in _PROBLEMS if index.find(p)]
        questions = sum(
            1 for sentence in _SENTENCE_SPLIT_RE.split(text) if sentence.strip().endswith("?")
        )
        if questions and not problems:
            # A question without any malfunction described is most likely a how-to.
            low.append(("question without a problem", 1.0))
        if problems:
            penalty = -min(0.75 * len(problems), 2.25)
            low.append(("problem words: " + ", ".join(problems), penalty))
        return {"high": high, "low": low}

    def summarise(self, *, title: str, description: str, skills: Sequence[Skill] = ()) -> str:
        """Pick the one or two most informative sentences of the description (<= 300 chars)."""
        sentences = [s.strip() for s in _SENTENCE_SPLIT_RE.split(description) if s.strip()]
        if not sentences:
            return _clip(title or "No description provided.", SUMMARY_MAX_CHARS)

        title_terms = {t for t in tokenize(title) if t not in STOPWORDS}
        skill_terms: set[str] = set()
        for skill in skills:
            for phrase in skill.aliases + skill.keywords:
                skill_terms.update(phrase)
        skill_terms -= STOPWORDS

        scores: list[float] = []
        for position, sentence in enumerate(sentences):
            content = [t for t in tokenize(sentence) if t not in STOPWORDS]
            if not content:
                scores.append(0.0)
                continue
            weight = 0.0
            for term in set(content):
                weight += 1.0
                if term in title_terms:
                    weight += 1.5
                if term in skill_terms:
                    weight += 0.75
                if any(ch.isdigit() for ch in term):
                    weight += 0.25
            score = weight / math.sqrt(len(content) + 2)
            if position == 0:
                score *= 1.2
            if _FILLER_RE.match(sentence) and len(content) <= 3:
                score *= 0.1
            if len(content) < 3:
                score *= 0.5
            scores.append(score)

        ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
        best = ranked[0]
        chosen = [best]
        for candidate in ranked[1:2]:
            if scores[candidate] >= 0.6 * scores[best]:
                combined = len(sentences[best]) + 1 + len(sentences[candidate])
                if combined <= SUMMARY_MAX_CHARS:
                    chosen.append(candidate)
        text = " ".join(_strip_filler(sentences[i]) for i in sorted(chosen))
        return _clip(text, SUMMARY_MAX_CHARS)

    # ----------------------------------------------------------------- skills

    def _catalogue(self, extra_names: Sequence[str] | None) -> list[Skill]:
        """Taxonomy plus extra names; an extra equal to a taxonomy name is the same skill."""
        skills = list(self.taxonomy)
        seen = set(self._by_key)
        for raw in extra_names or ():
            name = " ".join(str(raw).split())
            key = _skill_key(name)
            if not key or key in seen:
                continue
            seen.add(key)
            phrase = _phrase(name)
            aliases: list[tuple[str, ...]] = [phrase]
            keywords: list[tuple[str, ...]] = []
            hints: tuple[str, ...] = ()
            # "Postgres" or "K8s" are aliases of one taxonomy skill: inherit its vocabulary
            # so a moderator's own spelling is matched as well as the canonical skill.
            owners = self._alias_owner.get(phrase, [])
            if len(owners) == 1:
                aliases.extend(owners[0].aliases)
                keywords.extend(owners[0].keywords)
                hints = owners[0].hints
            # The distinctive core of the name ("Salesforce" in "Salesforce Administration")
            # is strong evidence; each distinctive word of a longer core is weak evidence.
            core = tuple(t for t in phrase if t not in STOPWORDS and t not in _GENERIC_SKILL_WORDS)
            if core and core != phrase:
                aliases.append(core)
            if len(core) > 1:
                keywords.extend((token,) for token in core)
            skills.append(
                Skill(
                    name=name,
                    aliases=tuple(dict.fromkeys(aliases)),
                    keywords=tuple(dict.fromkeys(keywords)),
                    hints=hints,
                    extra=True,
                )
            )
        return skills

    def _score_skills(
        self, skills: Sequence[Skill], title_index: _TokenIndex, body_index: _TokenIndex
    ) -> list[_Scored]:
        idf = _idf(skills)
        ticket_tf = Counter(
            t for t in title_index.tokens + title_index.tokens + body_index.tokens if t in idf
        )
        ticket_vec = {t: c * idf[t] for t, c in ticket_tf.items()}
        ticket_norm = math.sqrt(sum(v * v for v in ticket_vec.values()))

        scored: list[_Scored] = []
        for skill in skills:
            hits: list[float] = []
            for phrases, weight in (
                (skill.aliases, self.ALIAS_WEIGHT),
                (skill.keywords, self.KEYWORD_WEIGHT),
            ):
                for phrase in phrases:
                    if title_index.find(phrase):
                        hits.append(weight * self.TITLE_FACTOR)
                    elif body_index.find(phrase):
                        hits.append(weight)
            score = sum(hits)
            if ticket_norm:
                score += self.COSINE_WEIGHT * _cosine(ticket_vec, ticket_norm, skill, idf)
            if score > 0:
                scored.append(_Scored(skill, score))
        scored.sort(key=lambda s: (-s.score, s.skill.name))
        return scored

    def _select(self, scored: Sequence[_Scored]) -> list[Skill]:
        """Best skills above the absolute and relative cut-offs, then their parent areas."""
        if not scored or scored[0].score < self.MIN_SKILL_SCORE:
            return []
        top = scored[0].score
        chosen: list[Skill] = []
        for item in scored:
            if len(chosen) >= self.MAX_SKILLS:
                break
            if item.score < self.MIN_SKILL_SCORE or item.score < self.RELATIVE_CUTOFF * top:
                break
            chosen.append(item.skill)
        names = {s.name for s in chosen}
        for skill in list(chosen):
            for parent in skill.parents:
                if parent not in names and parent in self._by_name:
                    chosen.append(self._by_name[parent])
                    names.add(parent)
        return chosen

    # ----------------------------------------------------------------- notes

    def _helpful_notes(self, skills: Sequence[Skill], priority: str) -> str:
        """Numbered troubleshooting steps drawn from the matched skills' hints."""
        steps: list[str] = []
        if priority == "high":
            steps.append(
                "Treat as urgent: acknowledge the reporter, confirm who is affected and since "
                "when, and post updates on the ticket while working on it."
            )
        else:
            steps.append(
                "Confirm the details with the reporter: exact error message, when it started, "
                "who is affected and what changed recently."
            )

        # Specific skills come first (parents were appended after their children): two
        # hints from the best match, one from each other match, then the remaining ones.
        with_hints = [s for s in skills if s.hints]
        ordered: list[str] = []
        if with_hints:
            ordered.extend(with_hints[0].hints[:2])
            ordered.extend(s.hints[0] for s in with_hints[1:])
            ordered.extend(with_hints[0].hints[2:])
            for s in with_hints[1:]:
                ordered.extend(s.hints[1:])
        hint_steps = list(dict.fromkeys(ordered))
        steps.extend(hint_steps[: self.MAX_HINT_STEPS])

        for skill in skills:
            if not skill.hints:
                steps.append(
                    f"Ask a colleague with {skill.name} experience to review the "
                    f"{skill.name}-specific configuration and logs."
                )
        if len(steps) == 1:
            steps.extend(
                [
                    "Reproduce the problem and write down the exact steps and environment.",
                    "Collect logs or screenshots from the failing attempt and look for the "
                    "first error.",
                ]
            )
        steps.append(
            "Record the findings and the fix on the ticket; escalate to a specialist if the "
            "steps above do not resolve it."
        )
        closing = steps.pop()
        while len(steps) > 1 and len(_numbered([*steps, closing])) > NOTES_MAX_CHARS:
            steps.pop()  # drop the least important hint rather than cut a step in half
        return _numbered([*steps, closing])[:NOTES_MAX_CHARS]


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1024)
def _skill_terms(skill: Skill) -> Counter[str]:
    """Term counts of a skill's "document" (name x3, aliases x2, keywords x1); cached,
    read-only."""
    terms: Counter[str] = Counter()
    for phrase in skill.aliases:
        for tok in phrase:
            if tok not in STOPWORDS:
                terms[tok] += 2
    for phrase in skill.keywords:
        for tok in phrase:
            if tok not in STOPWORDS:
                terms[tok] += 1
    for tok in _phrase(skill.name):
        if tok not in STOPWORDS:
            terms[tok] += 3
    return terms


def _idf(skills: Sequence[Skill]) -> dict[str, float]:
    """Inverse document frequency of each term over the catalogue's skill "documents"."""
    df: Counter[str] = Counter()
    for skill in skills:
        df.update(set(_skill_terms(skill)))
    n = len(skills)
    return {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}


def _cosine(
    ticket_vec: dict[str, float], ticket_norm: float, skill: Skill, idf: dict[str, float]
) -> float:
    terms = _skill_terms(skill)
    skill_vec = {t: c * idf[t] for t, c in terms.items()}
    norm = math.sqrt(sum(v * v for v in skill_vec.values()))
    if not norm:
        return 0.0
    dot = sum(v * skill_vec.get(t, 0.0) for t, v in ticket_vec.items())
    return dot / (ticket_norm * norm)


def _numbered(steps: Sequence[str]) -> str:
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))


def _strip_filler(sentence: str) -> str:
    stripped = _FILLER_RE.sub("", sentence).strip()
    if not stripped:
        return sentence
    return stripped[0].upper() + stripped[1:]


def _clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters at a word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(",;:-") + "…"
