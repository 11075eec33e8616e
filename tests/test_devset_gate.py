"""The accuracy gate: extraction on the development set must not fall below the recorded baseline.

Runs the real pipeline on both devset parts (devset/tune, which rules were fitted to, and devset/heldout, which
they were not) and compares with devset/baseline.json: each part's event F1 minus its margin, the tune - heldout
gap (a rule that lifts only the tuned part is fitted to it), and the digest of the gold the figures were recorded
on. Record new figures with `dateline eval devset --record devset/baseline.json`, in a commit that changes no rule.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = "src/dateline/"
GOLD_SUFFIX = ".gold.json"
# Commits from this one on keep gold edits and rule changes apart (older history mixed them).
DISCIPLINE_SINCE = "985f63c"


def test_devset_parts_do_not_regress_or_drift_apart():
    proc = subprocess.run(
        [sys.executable, "-m", "dateline", "eval", str(ROOT / "devset"), "--summary-only", "--check",
         str(ROOT / "devset" / "baseline.json")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    for line in ("ok: tune event_f1", "ok: heldout event_f1", "ok: tune - heldout event_f1 gap"):
        assert line in out


def _commits_touching_gold_and_rules() -> list[str]:
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--format=@%h", "--name-only", f"{DISCIPLINE_SINCE}..HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    mixed, commit, files = [], "", []
    for line in [*log.splitlines(), "@"]:
        if line.startswith("@"):
            if any(f.endswith(GOLD_SUFFIX) for f in files) and any(f.startswith(RULES) for f in files):
                mixed.append(commit)
            commit, files = line[1:], []
        elif line:
            files.append(line)
    return mixed


def test_no_commit_changes_gold_and_rules_together():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: commit history cannot be read")
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", DISCIPLINE_SINCE], capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"shallow history: commit {DISCIPLINE_SINCE} is not in this clone")
    assert _commits_touching_gold_and_rules() == []
