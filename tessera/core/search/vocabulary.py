"""Words for synthetic tickets: plausible titles, descriptions and replies per surface."""

from __future__ import annotations

import random

VOCABULARY: dict = {
    "first_names": [
        "Alice",
        "Bruno",
        "Chen",
        "Dana",
        "Elif",
        "Farid",
        "Greta",
        "Hiro",
        "Ines",
        "Jonas",
        "Kofi",
        "Lena",
        "Marta",
        "Nikolai",
        "Olga",
        "Pedro",
        "Quinn",
        "Rosa",
        "Sven",
        "Tara",
        "Umar",
        "Vera",
        "Wen",
        "Xavier",
        "Yara",
        "Zoltan",
    ],
    "last_names": [
        "Andersen",
        "Baptiste",
        "Costa",
        "Dubois",
        "Eriksen",
        "Fischer",
        "Garcia",
        "Horvat",
        "Ivanova",
        "Jensen",
        "Kowalski",
        "Larsen",
        "Moreau",
        "Nakamura",
        "Okafor",
        "Petrov",
        "Rossi",
        "Schmidt",
        "Tanaka",
        "Usman",
        "Varga",
        "Weber",
        "Yilmaz",
        "Zhang",
    ],
    "companies": [
        "Northwind Traders",
        "Contoso Ltd",
        "Fabrikam",
        "Globex",
        "Initech",
        "Umbrella Health",
        "Stark Logistics",
        "Wayne Foods",
        "Acme Tools",
        "Hooli Cloud",
        "Vandelay Imports",
    ],
    "project_names": {
        "workshop": "Repair Shop",
        "support": "Customer Support",
        "servicedesk": "IT Service Desk",
        "boards": "Platform Roadmap",
    },
    "categories": ["technical", "billing", "account", "hardware", "network", "access"],
    "tags": [
        "urgent",
        "regression",
        "customer-facing",
        "backend",
        "frontend",
        "mobile",
        "security",
        "performance",
        "documentation",
        "vip",
        "hardware",
        "network",
        "billing",
        "onboarding",
        "warranty",
        "escalated",
        "bug",
        "feature",
        "infra",
        "database",
    ],
    "types": {
        "workshop": ["repair", "diagnosis", "maintenance"],
        "support": ["question", "problem", "incident"],
        "servicedesk": ["incident", "request", "problem", "change"],
        "boards": ["task", "bug", "story", "epic"],
    },
}

SUBJECTS = {
    "workshop": [
        "iPhone 12",
        "Galaxy S21",
        "ThinkPad X1 Carbon",
        "MacBook Pro 14",
        "PS5 controller",
        "Dell XPS 13",
        "iPad Air",
        "Surface Pro 7",
        "Nintendo Switch",
        "Pixel 7",
        "Canon EOS 80D",
        "Bosch dishwasher",
        "espresso machine",
        "e-bike battery",
    ],
    "support": [
        "mobile app",
        "checkout",
        "password reset",
        "invoice",
        "subscription",
        "two-factor login",
        "export to CSV",
        "email notifications",
        "dashboard",
        "API key",
        "profile page",
    ],
    "servicedesk": [
        "VPN",
        "Outlook",
        "shared drive",
        "printer on floor 3",
        "Wi-Fi in meeting room",
        "SAP access",
        "laptop",
        "badge reader",
        "Teams calls",
        "SSO",
        "monitor",
        "docking station",
    ],
    "boards": [
        "OAuth login",
        "pagination",
        "search API",
        "billing service",
        "CI pipeline",
        "kanban board",
        "audit log",
        "file uploads",
        "rate limiter",
        "notification service",
        "database migration",
        "onboarding flow",
    ],
}

PROBLEMS = {
    "workshop": [
        "cracked screen",
        "won't charge",
        "battery drains fast",
        "no power",
        "water damage",
        "stuck on boot logo",
        "speaker crackles",
        "keyboard keys unresponsive",
        "overheating",
        "camera out of focus",
        "drift on left stick",
        "fan noise",
    ],
    "support": [
        "fails with error 500",
        "is very slow",
        "shows wrong totals",
        "does not load",
        "sends duplicate emails",
        "rejects valid card",
        "logs me out",
        "is missing data",
        "crashes on start",
        "cannot be found",
    ],
    "servicedesk": [
        "not working",
        "access denied",
        "keeps disconnecting",
        "request for new account",
        "very slow since update",
        "error on login",
        "needs replacement",
        "out of toner",
        "certificate expired",
        "quota exceeded",
    ],
    "boards": [
        "returns duplicates",
        "times out under load",
        "needs refactoring",
        "breaks on Safari",
        "should support filters",
        "add tests",
        "document the endpoints",
        "leaks memory",
        "rename fields",
        "migrate to new schema",
    ],
}

TITLE_PATTERNS = {
    "workshop": ["{s}: {p}", "{s} - {p}", "Customer {s} {p}", "{s} {p}, under warranty?"],
    "support": ["The {s} {p}", "{s} {p}", "Why is the {s} {p}?", "Problem: {s} {p}"],
    "servicedesk": ["{s} {p}", "{s}: {p}", "Urgent - {s} {p}", "{s} {p} for new hire"],
    "boards": ["{s} {p}", "Fix: {s} {p}", "{s}: {p}", "Investigate why {s} {p}"],
}

SENTENCES = [
    "It started {when} and happens {freq}.",
    "The customer says it {p}.",
    "Steps to reproduce: open the {s}, wait a minute, then it {p}.",
    "This affects {n} people in the {team} team.",
    "We already tried restarting and reinstalling, without success.",
    "Serial number and photos are attached to the intake form.",
    "Please call back before replacing any parts.",
    "Logs show a timeout after {n} seconds.",
    "The {s} was working fine last week.",
    "Priority is high because the {team} team depends on it.",
]
WHEN = ["yesterday", "this morning", "after the last update", "on Monday", "two weeks ago"]
FREQ = ["every time", "about once an hour", "only in the afternoon", "randomly", "daily"]
TEAMS = ["sales", "finance", "support", "engineering", "warehouse", "marketing", "legal"]

REPLIES = [
    "Thanks for the report, we are looking into it.",
    "Could you send a screenshot of the error?",
    "I reproduced the issue with the {s}; a fix is on its way.",
    "Parts ordered, expected delivery in {n} days.",
    "Deployed a fix, please confirm it works for you.",
    "Still happening here, the {s} {p} again.",
    "Escalated to the second line.",
    "Closing this as resolved, reopen if it {p} again.",
    "Internal note: customer is a VIP, keep them updated.",
    "Replaced the component and ran the full test suite, all green.",
]


def title_text(template: str, rng: random.Random) -> str:
    s = rng.choice(SUBJECTS[template])
    p = rng.choice(PROBLEMS[template])
    return rng.choice(TITLE_PATTERNS[template]).format(s=s, p=p)[:255]


def _fill(text: str, template: str, rng: random.Random) -> str:
    return text.format(
        s=rng.choice(SUBJECTS[template]),
        p=rng.choice(PROBLEMS[template]),
        when=rng.choice(WHEN),
        freq=rng.choice(FREQ),
        team=rng.choice(TEAMS),
        n=rng.randint(2, 40),
    )


def description_text(template: str, rng: random.Random) -> str:
    return " ".join(_fill(t, template, rng) for t in rng.sample(SENTENCES, k=rng.randint(2, 4)))


def comment_text(template: str, rng: random.Random) -> str:
    return _fill(rng.choice(REPLIES), template, rng)
