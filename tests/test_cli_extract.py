"""`dateline extract` end to end as a user runs it: inputs, metadata, output schema and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from dateline.schema import output_schema, shipped_schema

REPORT = (
    "Gunmen opened fire on a bus near Jos on Sunday, killing seven passengers, police said.\n\n"
    '"We heard shots and then screaming," said Danjuma Pam, a driver who escaped.\n'
)


def dateline(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dateline", *args], input=stdin, capture_output=True, timeout=300, check=False
    )


def one_json(proc: subprocess.CompletedProcess) -> dict:
    lines = [line for line in proc.stdout.decode().splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr.decode()
    return json.loads(lines[0])


def test_text_file_with_sidecar_and_flag_override(tmp_path):
    path = tmp_path / "jos-bus.txt"
    path.write_text(REPORT, encoding="utf-8")
    (tmp_path / "jos-bus.meta.json").write_text(
        json.dumps({"id": "jos-1", "outlet": "Plateau Post", "published": "2024-06-03", "url": "https://example.org/a"})
    )
    proc = dateline("extract", str(path), "--outlet", "Other Paper")
    assert proc.returncode == 0, proc.stderr.decode()
    out = one_json(proc)
    assert out["report"]["id"] == "jos-1"
    assert out["report"]["outlet"] == "Other Paper"  # flags win over the sidecar
    assert out["report"]["published"] == "2024-06-03"
    jsonschema.validate(out, shipped_schema())
    event = next(e for e in out["events"] if e["type"] == "ASSAULT")
    assert event["date"]["start"] == "2024-06-02"
    assert event["fatalities"]["best"] == 7
    quote = next(q for q in out["quotes"] if q["direct"])
    assert quote["speaker"] == "Danjuma Pam"
    assert REPORT[quote["start"] : quote["end"]] == quote["text"]


def test_stdin_json_lines_gives_one_object_per_report():
    rows = [
        {
            "id": "a",
            "text": "Protesters marched in Lima on Friday against the new mining law.",
            "published": "2024-02-10",
        },
        {"id": "b", "text": "Troops arrested a militia commander in Goma on Monday.", "published": "2024-02-13"},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    proc = dateline("extract", "-", stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    outs = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["report"]["id"] for o in outs] == ["a", "b"]
    assert any(e["type"] == "PROTEST" for e in outs[0]["events"])


def test_html_main_text_is_extracted(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Blast in Kabul</title></head><body><nav>Home | World | Sport</nav>"
        "<article><h1>Blast in Kabul</h1><p>A roadside bomb exploded in western Kabul on Tuesday, wounding six "
        "people, the interior ministry said.</p><p>No group said it carried out the bombing.</p></article>"
        "<footer>Copyright Example</footer></body></html>",
        encoding="utf-8",
    )
    proc = dateline("extract", str(page), "--published", "2024-05-08")
    out = one_json(proc)
    assert "Home | World" not in out["report"]["text"]
    assert any(e["type"] == "ASSAULT" and e["injuries"] and e["injuries"]["best"] == 6 for e in out["events"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Caf\xe9 bombing in Li\xe8ge".encode("latin-1"), "UTF-8"),
        (
            "french.txt",
            "Des manifestants ont défilé jeudi dans les rues de Paris pour protester contre la réforme "
            "des retraites, selon la police qui a compté plusieurs milliers de personnes.".encode(),
            "language",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_nonzero_exit(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    proc = dateline("extract", str(path))
    err = proc.stderr.decode().strip()
    assert proc.returncode != 0
    assert len(err.splitlines()) == 1 and message in err
    assert "Traceback" not in err


def test_missing_file_and_impossible_date(tmp_path):
    proc = dateline("extract", str(tmp_path / "nope.txt"))
    assert proc.returncode != 0 and "no such file" in proc.stderr.decode()
    good = tmp_path / "ok.txt"
    good.write_text(REPORT)
    proc = dateline("extract", str(good), "--published", "2024-02-30")
    err = proc.stderr.decode().strip()
    assert proc.returncode != 0 and "impossible" in err and len(err.splitlines()) == 1


def test_shipped_schema_matches_the_records():
    assert shipped_schema() == output_schema()


def test_a_bad_file_or_row_stops_only_itself(tmp_path):
    folder = tmp_path / "reports"
    (folder / "north").mkdir(parents=True)
    (folder / "south").mkdir()
    (folder / "north" / "day.txt").write_text(REPORT, encoding="utf-8")
    (folder / "south" / "day.txt").write_text("Troops arrested a militia commander in Goma on Monday.\n")
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    rows = [{"id": "r1", "text": "Protesters marched in Lima on Friday.", "published": "2024-02-10"}, "not json"]
    (folder / "rows.jsonl").write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows))
    proc = dateline("extract", str(folder), "--published", "2024-06-03")
    assert proc.returncode == 1
    ids = [json.loads(line)["report"]["id"] for line in proc.stdout.decode().splitlines()]
    assert ids == ["north/day", "r1", "south/day"]  # same-named files in two folders stay two reports
    errors = proc.stderr.decode().strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("dateline extract: error:") for line in errors)
    assert "Traceback" not in proc.stderr.decode()


def test_worker_processes_give_the_same_extractions_in_order(tmp_path):
    rows = [
        {
            "id": f"r{i}",
            "text": f"Gunmen killed {i + 2} villagers near Jos on Monday, police said.",
            "published": "2024-06-05",
        }
        for i in range(20)
    ]
    corpus = tmp_path / "rows.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows))
    one = dateline("extract", str(corpus))
    two = dateline("extract", str(corpus), "--processes", "2")
    assert one.returncode == two.returncode == 0, two.stderr.decode()
    assert one.stdout == two.stdout
    assert len(one.stdout.decode().splitlines()) == 20


# ---- hostile input ------------------------------------------------------------------------------------------------

HUGE = "9" * 400


def figures(out: dict) -> list[int]:
    """Every casualty figure (low, best, high) of every event in one extraction."""
    counts = [c for e in out["events"] for c in (e["fatalities"], e["injuries"]) if c]
    return [v for c in counts for v in (c["low"], c["best"], c["high"]) if v is not None]


def test_implausible_casualty_figures_are_not_counts(tmp_path):
    """2**63, a 400-digit number, a trillion: no toll is that large, so none is a count (and nothing crashes)."""
    from dateline.casualties import MAX_COUNT

    path = tmp_path / "huge.txt"
    path.write_text(
        REPORT + f"Gunmen killed {2**63} villagers near Kaduna on Sunday, police said. A bomb killed {HUGE} people "
        "in Kano on Monday and wounded 1,000,000,000,000 others, officials said. Between 10 and 99999999999 people "
        "were killed in Bauchi on Monday. Rockets have been fired almost daily since October 8 last year, 3000000 "
        "days after the raid on the border town.\n"
    )
    proc = dateline("extract", str(path), "--published", "2024-06-03")
    assert proc.returncode == 0, proc.stderr.decode()
    out = one_json(proc)
    assert 7 in figures(out) and max(figures(out)) <= MAX_COUNT
    kano = next(e for e in out["events"] if any(HUGE in ev["sentence"] for ev in e["evidence"]))
    assert not (kano["fatalities"] or {}).get("best")  # the text stays in the evidence, not in the figures
    bauchi = next(e for e in out["events"] if e["fatalities"] and e["fatalities"]["low"] == 10)
    assert bauchi["fatalities"]["high"] is None  # an unreadable upper bound leaves the range open


def test_wrongly_typed_metadata_is_one_line_per_report(tmp_path):
    """A number for a title, a list for an outlet or id, an object for a url: that report fails, the rest go on."""
    good = {"id": "ok", "text": "Troops arrested a militia commander in Goma on Monday.", "published": "2024-02-13"}
    bad = [{"title": 42}, {"outlet": ["a", "b"]}, {"url": {"href": "x"}}, {"id": ["r", 1]}, {"html": 7}]
    rows = [good] + [{**good, "id": f"bad{i}", **b} for i, b in enumerate(bad)] + [{**good, "id": 7}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    (tmp_path / "side.txt").write_text(REPORT)
    (tmp_path / "side.meta.json").write_text(json.dumps({"published": "2024-06-03", "title": 42}))
    proc = dateline("extract", str(tmp_path))
    assert proc.returncode == 1
    assert [json.loads(line)["report"]["id"] for line in proc.stdout.decode().splitlines()] == ["ok", "7"]
    errors = proc.stderr.decode().strip().splitlines()
    assert "Traceback" not in proc.stderr.decode() and len(errors) == len(bad) + 1, errors
    expected = [
        ("rows.jsonl:2", "'title'"),
        ("rows.jsonl:3", "'outlet'"),
        ("rows.jsonl:4", "'url'"),
        ("rows.jsonl:5", "'id'"),
        ("rows.jsonl:6", "'html'"),
        ("side.meta.json", "'title'"),
    ]
    for line, (where, field) in zip(errors, expected, strict=True):
        assert line.startswith("dateline extract: error:") and where in line and field in line, line


def test_publication_dates_after_tomorrow_are_refused(tmp_path):
    import datetime as dt

    from dateline.read import PUBLISHED_DAYS_AHEAD

    today = dt.datetime.now(dt.timezone.utc).date()
    latest = (today + dt.timedelta(days=PUBLISHED_DAYS_AHEAD)).isoformat()
    later = (today + dt.timedelta(days=PUBLISHED_DAYS_AHEAD + 1)).isoformat()
    path = tmp_path / "r.txt"
    path.write_text(REPORT)
    proc = dateline("extract", str(path), "--published", "2999-01-01")
    err = proc.stderr.decode().strip()
    assert proc.returncode != 0 and len(err.splitlines()) == 1 and "--published" in err and "future" in err, err
    assert not proc.stdout
    rows = [{"id": i, "text": REPORT, "published": day} for i, day in enumerate(["2999-01-01", later, latest])]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    proc = dateline("extract", str(tmp_path / "rows.jsonl"))
    assert proc.returncode == 1
    assert [json.loads(line)["report"]["published"] for line in proc.stdout.decode().splitlines()] == [latest]
    errors = proc.stderr.decode().strip().splitlines()
    assert len(errors) == 2 and all("future" in line and latest in line for line in errors), errors
    assert "rows.jsonl:1" in errors[0] and "rows.jsonl:2" in errors[1]
