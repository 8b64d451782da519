"""Auto-assignment scoring: which moderator should take a freshly triaged support ticket.

Why a pure function: assignment runs inside a locking transaction (see
``services._step_assign_moderator``), so the decision itself must be cheap, deterministic
and free of I/O; the caller gathers the candidates (skills and open workload) and this
module only ranks them. Being pure also makes the formula easy to test and explain.

Formula
-------
For a candidate with skills ``{name: proficiency 1..5}`` and ``open_workload`` open or
active tickets, and the ticket's ``related_skills`` from the analysis::

    relevance = Σ over related skills r that the candidate has  of  proficiency(r) / 5
    score     = relevance / (1 + 0.25 × open_workload)

* "Has" means a case-insensitive match after normalising punctuation ("payments/billing"
  = "Payments / Billing", "Wi-Fi" = "WiFi"), or a fuzzy token match: the distinctive
  words of one name are contained in the other's ("Billing" ~ "Payments/Billing",
  "React" ~ "React Native"), they overlap by at least half (Jaccard >= 0.5), or each
  word has a partner sharing a prefix of at least five letters ("Postgres" ~
  "PostgreSQL"). Generic words such as "Development" or "Support" alone never make a
  match. If several of the candidate's skills match one related skill, the highest
  proficiency counts; each related skill counts once.
* Candidates with zero relevance are not eligible; when nobody is eligible the result is
  ``None`` and the ticket stays unassigned.
* Ties are broken deterministically: higher score, then lower open workload, then lower
  user id.

Worked example
--------------
Related skills ``["Email", "Microsoft Office"]``:

    user 7: Email 5, Microsoft Office 3, workload 4
            relevance = 5/5 + 3/5 = 1.6     score = 1.6 / (1 + 0.25 * 4) = 0.8
    user 3: Email 4, workload 0
            relevance = 4/5 = 0.8           score = 0.8 / (1 + 0.25 * 0) = 0.8
    user 9: Printing 5, workload 0
            relevance = 0 (no match)        not eligible

Users 7 and 3 tie at 0.8; user 3 has the lower workload, so user 3 is chosen. The
expert (user 7) would win again once user 3 has two open tickets: 0.8 / 1.5 = 0.53.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .analysis import STOPWORDS, tokenize

WORKLOAD_PENALTY = 0.25
MIN_PROFICIENCY = 1
MAX_PROFICIENCY = 5
# A shared prefix this long counts as the same word ("postgres" / "postgresql").
MIN_PREFIX = 5

# Words that do not identify a skill on their own.
_GENERIC = frozenset(
    tokenize(
        "development developer engineering engineer administration admin administrator "
        "support management manager systems system services service skills skill general "
        "basics advanced expert specialist troubleshooting"
    )
)


@dataclass
class Candidate:
    """A moderator who could take the ticket.

    ``skills`` maps a skill name to a proficiency from 1 (novice) to 5 (expert);
    ``open_workload`` is the number of open or active tickets already assigned to them.
    """

    user_id: int
    skills: dict[str, int] = field(default_factory=dict)
    open_workload: int = 0


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _compact(name: str) -> str:
    return _NON_ALNUM.sub("", name.lower())


def _words(name: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(name) if t not in STOPWORDS)


def _core(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if w not in _GENERIC)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= MIN_PREFIX and long_.startswith(short)


def skills_match(related: str, held: str) -> bool:
    """Whether a moderator's skill name ``held`` covers the ticket's skill ``related``."""
    a, b = _words(related), _words(held)
    if not a or not b:
        return False
    if a == b or _compact(related) == _compact(held):
        return True
    core_a, core_b = _core(a), _core(b)
    if not core_a or not core_b:
        return False
    if core_a <= core_b or core_b <= core_a:
        return True
    if len(core_a & core_b) / len(core_a | core_b) >= 0.5:
        return True
    # Prefix matching covers spelling variants; every distinctive word of the shorter
    # name must find a partner in the other name.
    small, large = (core_a, core_b) if len(core_a) <= len(core_b) else (core_b, core_a)
    return all(any(_same_word(w, v) for v in large) for w in small)


def _proficiency(value: object) -> int:
    try:
        level = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    return max(MIN_PROFICIENCY, min(MAX_PROFICIENCY, level))


def relevance(skills: Mapping[str, int], related_skills: Iterable[str]) -> float:
    """Σ proficiency/5 over the related skills the holder of ``skills`` matches."""
    total = 0.0
    seen: set[frozenset[str]] = set()
    for related in related_skills:
        key = _words(str(related))
        if not key or key in seen:
            continue
        seen.add(key)
        best = max(
            (_proficiency(level) for name, level in skills.items() if skills_match(related, name)),
            default=0,
        )
        total += best / MAX_PROFICIENCY
    return total


def score_candidate(candidate: Candidate, related_skills: Sequence[str]) -> float:
    """``relevance / (1 + 0.25 × open_workload)``; 0.0 means "not eligible"."""
    workload = max(0, int(candidate.open_workload or 0))
    return relevance(candidate.skills, related_skills) / (1 + WORKLOAD_PENALTY * workload)


def rank_candidates(
    candidates: Iterable[Candidate], related_skills: Sequence[str]
) -> list[tuple[Candidate, float]]:
    """Eligible candidates with their scores, best first (ties: workload, then user id).

    Scores are rounded to 9 decimals for the comparison so that equal scores reached by
    different float paths (0.8 + 0.4 vs 1.2) tie as they should.
    """
    scored = [(c, score_candidate(c, related_skills)) for c in candidates]
    eligible = [(c, s) for c, s in scored if s > 0]
    eligible.sort(key=lambda cs: (-round(cs[1], 9), max(0, cs[0].open_workload), cs[0].user_id))
    return eligible


def choose_moderator(candidates: Iterable[Candidate], related_skills: Sequence[str]) -> int | None:
    """The user id of the best candidate, or ``None`` when nobody's skills match."""
    ranked = rank_candidates(candidates, related_skills)
    return ranked[0][0].user_id if ranked else None
