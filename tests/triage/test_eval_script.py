"""The evaluation set is well-formed and ``bench/triage_eval.py`` runs end to end."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

from tessera.core.triage.analysis import PRIORITIES, taxonomy_skill_names

ROOT = Path(__file__).resolve().parents[2]
EVAL_SET = ROOT / "bench" / "data" / "triage_eval.jsonl"
SCRIPT = ROOT / "bench" / "triage_eval.py"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_eval_set_is_large_varied_and_uses_taxonomy_names():
    items = load(EVAL_SET)
    assert len(items) >= 220
    names = set(taxonomy_skill_names())
    titles = [item["title"] for item in items]
    assert len(titles) == len(set(titles))
    for item in items:
        assert item["expected_priority"] in PRIORITIES
        assert item["expected_skills"] and set(item["expected_skills"]) <= names, item["title"]
        assert item["description"].strip()
    share = collections.Counter(item["expected_priority"] for item in items)
    for priority in PRIORITIES:
        assert share[priority] / len(items) >= 0.2, priority
    covered = {skill for item in items for skill in item["expected_skills"]}
    assert covered == names  # every taxonomy area appears at least once


def test_eval_script_prints_figures_and_exits_0(tmp_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_text(
        "\n".join(json.dumps(item) for item in load(EVAL_SET)[:5]) + "\n", encoding="utf-8"
    )
    text = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(sample)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "Evaluating the offline analyser on 5 tickets" in text
    assert "Priority accuracy" in text and "Confusion matrix" in text and "Skills F1" in text

    as_json = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(sample), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    figures = json.loads(as_json)
    assert figures["items"] == 5
    assert 0.0 <= figures["priority_accuracy"] <= 1.0
    assert 0.0 <= figures["skills_f1"] <= 1.0
    assert set(figures["confusion"]) == set(PRIORITIES)
