"""Evaluate the offline triage analyser against a labelled set of support tickets.

Why: the offline analyser is the baseline every support ticket gets (and the fallback of
the remote providers), so its quality must be measured, not assumed. This script prints
priority accuracy, a confusion matrix and micro-averaged skill precision/recall/F1.

Usage::

    python bench/triage_eval.py [--data PATH] [--json] [--errors]

The priority compared is the analyser's raw *estimate* (low/medium/high); the pipeline's
"only raise" rule (``estimate_final_priority``) is reported separately because it can
never produce "low" and would hide whether the estimator recognises minor tickets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tessera.core.triage.analysis import (  # noqa: E402
    DEFAULT_PRIORITY,
    PRIORITIES,
    OfflineAnalyser,
    estimate_final_priority,
)

DEFAULT_DATA = ROOT / "bench" / "data" / "triage_eval.jsonl"


def load_items(path: Path) -> list[dict[str, Any]]:
    """Read the JSONL evaluation set, skipping blank lines."""
    items = []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            for key in ("title", "description", "expected_priority", "expected_skills"):
                if key not in item:
                    raise ValueError(f"{path}:{line_no}: missing {key!r}")
            items.append(item)
    return items


def evaluate(items: list[dict[str, Any]], analyser: OfflineAnalyser) -> dict[str, Any]:
    """Run the analyser on every item and compute the figures."""
    confusion = {exp: dict.fromkeys(PRIORITIES, 0) for exp in PRIORITIES}
    correct = 0
    final_correct = 0
    tp = fp = fn = 0
    errors = []
    started = time.perf_counter()
    for item in items:
        result = analyser.analyse(title=item["title"], description=item["description"])
        expected = item["expected_priority"]
        confusion[expected][result.priority] += 1
        correct += result.priority == expected
        final = estimate_final_priority(DEFAULT_PRIORITY, result.priority)
        final_correct += final == estimate_final_priority(DEFAULT_PRIORITY, expected)

        predicted = {s.casefold() for s in result.related_skills}
        gold = {s.casefold() for s in item["expected_skills"]}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        if result.priority != expected or predicted != gold:
            errors.append(
                {
                    "title": item["title"],
                    "expected_priority": expected,
                    "priority": result.priority,
                    "missing_skills": sorted(gold - predicted),
                    "extra_skills": sorted(predicted - gold),
                }
            )
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n = len(items)
    return {
        "items": n,
        "priority_accuracy": correct / n if n else 0.0,
        "final_priority_accuracy": final_correct / n if n else 0.0,
        "confusion": confusion,
        "skills_precision": precision,
        "skills_recall": recall,
        "skills_f1": f1,
        "seconds": elapsed,
        "errors": errors,
    }


def print_report(figures: dict[str, Any], show_errors: bool) -> None:
    print(f"Priority accuracy (estimate, low/medium/high): {figures['priority_accuracy']:.3f}")
    print(
        "Priority accuracy after only-raise rule (medium/high): "
        f"{figures['final_priority_accuracy']:.3f}"
    )
    print()
    print("Confusion matrix (rows = expected, columns = predicted):")
    print(f"{'':>10}" + "".join(f"{p:>8}" for p in PRIORITIES))
    for expected in PRIORITIES:
        row = figures["confusion"][expected]
        print(f"{expected:>10}" + "".join(f"{row[p]:>8}" for p in PRIORITIES))
    print()
    print(f"Skills precision (micro): {figures['skills_precision']:.3f}")
    print(f"Skills recall (micro):    {figures['skills_recall']:.3f}")
    print(f"Skills F1 (micro):        {figures['skills_f1']:.3f}")
    if show_errors:
        print()
        print(f"Items with a priority or skills mismatch: {len(figures['errors'])}")
        for err in figures["errors"]:
            print(
                f"- {err['title']!r}: priority {err['expected_priority']}->{err['priority']}"
                f" missing={err['missing_skills']} extra={err['extra_skills']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL evaluation set")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list mismatching items")
    args = parser.parse_args(argv)

    items = load_items(args.data)
    if not args.json:
        print(f"Evaluating the offline analyser on {len(items)} tickets from {args.data} ...")
    figures = evaluate(items, OfflineAnalyser())
    if args.json:
        payload = {k: v for k, v in figures.items() if k != "errors" or args.errors}
        payload["data"] = str(args.data)
        print(json.dumps(payload, indent=2))
    else:
        print_report(figures, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
