"""The accuracy gate: extraction on the development set must not fall below the recorded baseline.

Runs the real pipeline on devset/tune and compares with devset/baseline.json (minus its margin), so a change
that costs accuracy fails the test suite, and so CI. Record a better figure with
`dateline eval devset/tune --record devset/baseline.json`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_tune_set_event_f1_does_not_regress():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dateline",
            "eval",
            str(ROOT / "devset" / "tune"),
            "--summary-only",
            "--check",
            str(ROOT / "devset" / "baseline.json"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "ok:" in proc.stdout + proc.stderr
