"""`dateline eval-public`: the public-set table, its baseline and its gate, on tiny team-written gold files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dateline.cli import main

DATA = Path(__file__).parent / "data"


def _sets(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "time").mkdir(parents=True)
    shutil.copy(DATA / "mini.tml", data / "time" / "mini.tml")
    sets = tmp_path / "sets.json"
    sets.write_text(
        json.dumps(
            {
                "sets": [
                    {"name": "mini-timeml", "format": "timeml", "path": "time/mini.tml"},
                    {"name": "not-here", "format": "lgl", "path": "geo/none.xml"},
                ]
            }
        )
    )
    return sets


def test_table_record_and_check(tmp_path, capsys):
    sets, base = _sets(tmp_path), tmp_path / "baseline.json"
    args = ["eval-public", "--data", str(tmp_path / "data"), "--sets", str(sets), "--baseline", str(base)]
    assert main([*args, "--record", "--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert "mini-timeml  value_accuracy*" in out and "not-here     (absent)" in out
    recorded = json.loads(base.read_text())
    assert recorded["sets"]["mini-timeml"]["value_accuracy"] == 1.0 and "recorded" in recorded
    assert main([*args, "--check", "--processes", "1"]) == 0
    assert "+0.000" in capsys.readouterr().out  # now against recorded, row by row
    recorded["sets"]["mini-timeml"]["value_accuracy"] = 1.5  # a record the figure can no longer reach
    base.write_text(json.dumps(recorded))
    assert main([*args, "--check", "--processes", "1"]) == 1
    assert "REGRESSION: mini-timeml value_accuracy" in capsys.readouterr().out


def test_absent_data_folder_is_one_line_and_success(tmp_path, capsys):
    assert main(["eval-public", "--data", str(tmp_path / "nowhere"), "--sets", str(_sets(tmp_path))]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "no public development data" in out[0]


def test_unknown_set_is_an_error(tmp_path, capsys):
    assert main(["eval-public", "--sets", str(_sets(tmp_path)), "--only", "nope"]) == 2
    assert "no such set: nope" in capsys.readouterr().err
