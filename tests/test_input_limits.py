"""Hostile and malformed report input: the language check, the size limit, texts longer than the parser takes at
once, and one report failing extraction without stopping its batch."""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys

import jsonschema
import pytest

from dateline import DatelineError
from dateline import pipeline as pipeline_module
from dateline.nlp import load_nlp, parse, pieces
from dateline.pipeline import extract_doc, extract_each
from dateline.read import MAX_REPORT_MB, detect_language, make_report, report_from_json_line
from dateline.records import Report
from dateline.schema import shipped_schema

ENGLISH = (
    "Gunmen attacked a police post outside Maiduguri on Tuesday, killing four officers and wounding six others, "
    "a spokesman for the state government said. Residents said the attackers arrived on motorcycles at dawn and "
    "burned two vehicles before fleeing toward the forest."
)
CHINESE = "周二清晨，武装分子袭击了城外的一个警察哨所，造成四名警察死亡，另有六人受伤。居民说，袭击者骑摩托车而来。" * 2
JAPANESE = (
    "火曜日の早朝、武装集団が町の外にある警察の詰め所を襲撃し、警察官四人が死亡、六人が負傷したと当局が発表した。"
)
RUSSIAN = (
    "Во вторник на рассвете боевики напали на полицейский пост за городом, убив четырёх полицейских и ранив ещё "
    "шестерых, сообщил представитель властей."
)
ARABIC = "هاجم مسلحون مركزا للشرطة خارج المدينة فجر الثلاثاء، ما أسفر عن مقتل أربعة من رجال الشرطة وإصابة ستة آخرين."
SPANISH = (
    "Hombres armados atacaron un puesto de policía a las afueras de la ciudad el martes, matando a cuatro agentes "
    "e hiriendo a otros seis, dijo un portavoz del gobierno."
)


def _noise_token(n: int) -> str:
    rng = random.Random(n)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _number_table(rows: int) -> str:
    rng = random.Random(rows)
    return "\n".join(" | ".join(str(rng.randint(1, 9999)) for _ in range(8)) for _ in range(rows))


@pytest.mark.parametrize(
    ("text", "script"),
    [(CHINESE, "CJK"), (JAPANESE, "CJK"), (RUSSIAN, "Cyrillic"), (ARABIC, "Arabic")],
    ids=["chinese", "japanese", "russian", "arabic"],
)
def test_reports_in_other_scripts_are_refused_in_one_line(text, script):
    with pytest.raises(DatelineError) as err:
        make_report(text, {}, "r.txt", default_id=None)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("r.txt: report is in language '")
    assert f"written mostly in {script} letters" in message
    assert message.endswith("dateline reads English only")


def test_languages_are_named_by_the_identifier():
    assert detect_language(CHINESE) == "zh"
    assert detect_language(RUSSIAN) == "ru"
    assert detect_language(SPANISH) == "es"


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH + " " + _noise_token(5000),  # one run-on token (a pasted key, a broken encoding) after the text
        _noise_token(5000) + " " + ENGLISH,  # ... and before it
        "a" * 5000 + " " + ENGLISH,
        ENGLISH + "\n\n" + _number_table(200),  # a table of figures
        _number_table(200) + "\n\n" + ENGLISH,
        ENGLISH.upper(),  # all caps, as some wires send
        ENGLISH
        + " See https://example.org/news/2024/05/a-very-long-slug-of-words-here?ref=feed&x=1 or www.example.com",
        ENGLISH + " " + "Город Maiduguri.",  # a few letters of another script do not make a report foreign
    ],
    ids=[
        "long-token-after",
        "long-token-before",
        "repeated-letter",
        "table-after",
        "table-before",
        "caps",
        "urls",
        "some-cyrillic",
    ],
)
def test_english_with_odd_tokens_is_kept(text):
    assert detect_language(text) == "en"
    assert make_report(text, {}, "r.txt", default_id=None).language == "en"


def test_other_latin_languages_are_still_refused():
    with pytest.raises(DatelineError, match="language 'es'"):
        make_report(SPANISH, {}, "r.txt", default_id=None)


def test_pieces_join_back_into_the_text_and_respect_the_size():
    text = "\n\n".join(ENGLISH for _ in range(30)) + " " + _noise_token(900)
    parts = pieces(text, 700)
    assert "".join(parts) == text
    assert all(0 < len(p) <= 700 for p in parts)
    assert parts[0].endswith("\n\n")  # cut at a paragraph break where one fits


def test_a_text_parsed_in_pieces_keeps_its_offsets_and_extracts():
    nlp = load_nlp()
    text = "MAIDUGURI, Nigeria (Wire) - " + "\n\n".join(ENGLISH for _ in range(12))
    doc = parse(nlp, text, size=1000)
    assert doc.text == text
    assert len(list(doc.sents)) >= 24
    out = extract_doc(Report(id="long", text=text, published="2024-05-08"), doc)
    data = json.loads(out.model_dump_json())
    jsonschema.validate(data, shipped_schema())
    assert any(e["type"] == "ASSAULT" for e in data["events"])
    for place in data["places"]:
        assert text[place["start"] : place["end"]] == place["text"]


def test_a_report_the_parser_refuses_fails_alone(monkeypatch):
    """A text over the parser's max_length, parsed whole, raises in spaCy: only that report fails."""
    nlp = load_nlp()
    monkeypatch.setattr(nlp, "max_length", 3000)
    monkeypatch.setattr(pipeline_module, "PIECE_CHARS", 10_000)
    reports = [
        Report(id="a", text=ENGLISH, published="2024-05-08"),
        Report(id="big", text="\n\n".join(ENGLISH for _ in range(20)), published="2024-05-08"),
        Report(id="b", text=ENGLISH.replace("Tuesday", "Monday"), published="2024-05-08"),
    ]
    results = list(extract_each(reports))
    assert [r.id for r, _ in results] == ["a", "big", "b"]
    assert not isinstance(results[0][1], DatelineError) and not isinstance(results[2][1], DatelineError)
    failure = results[1][1]
    assert isinstance(failure, DatelineError)
    assert str(failure).startswith("parsing failed (ValueError: ")
    assert "\n" not in str(failure)


def test_a_long_text_over_max_length_is_parsed_in_pieces(monkeypatch):
    """The same long text, with pieces under the parser's max_length, is extracted."""
    nlp = load_nlp()
    monkeypatch.setattr(nlp, "max_length", 3000)
    monkeypatch.setattr(pipeline_module, "parse", lambda nlp, text: parse(nlp, text, size=2500))
    text = "\n\n".join(ENGLISH for _ in range(20))
    [(_, result)] = list(extract_each([Report(id="big", text=text, published="2024-05-08")]))
    assert not isinstance(result, DatelineError), result
    assert result.report.text == text and result.events


def dateline(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dateline", *args], capture_output=True, timeout=300, check=False, text=True
    )


def test_a_batch_goes_on_past_oversized_and_foreign_reports(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    huge = tmp_path / "huge.txt"  # one line of more than the default limit
    huge.write_text(("word " * 1_300_000).strip(), encoding="utf-8")
    chinese = tmp_path / "chinese.txt"
    chinese.write_text(CHINESE, encoding="utf-8")
    proc = dateline("extract", str(huge), str(chinese), str(good))
    assert proc.returncode == 1
    errors = proc.stderr.splitlines()
    assert errors == [
        f"dateline extract: error: {huge}: report is 6.5 MB, over the {MAX_REPORT_MB:g} MB limit on one report "
        "(--max-mb)",
        f"dateline extract: error: {chinese}: report is in language 'zh' (written mostly in CJK letters), "
        "dateline reads English only",
    ]
    [line] = proc.stdout.splitlines()
    out = json.loads(line)
    jsonschema.validate(out, shipped_schema())
    assert out["report"]["id"] == "good"


def test_the_size_limit_is_an_option(tmp_path):
    good = tmp_path / "good.txt"  # about 270 bytes, under the limit of 1,000 given below
    good.write_text(ENGLISH, encoding="utf-8")
    long = tmp_path / "long.txt"
    long.write_text(" ".join([ENGLISH] * 5), encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    big_row = json.dumps({"id": "big", "text": " ".join([ENGLISH] * 5)})
    rows.write_text(big_row + "\n" + json.dumps({"id": "small", "text": ENGLISH}), encoding="utf-8")
    proc = dateline("extract", "--max-mb", "0.001", str(good), str(long), str(rows))
    assert proc.returncode == 1
    sizes = [long.stat().st_size, len(big_row.encode())]
    assert proc.stderr.splitlines() == [
        f"dateline extract: error: {label}: report is {size / 1e6:.3g} MB, over the 0.001 MB limit on one report "
        "(--max-mb)"
        for label, size in zip([long, f"{rows}:1"], sizes, strict=True)
    ]
    assert [json.loads(x)["report"]["id"] for x in proc.stdout.splitlines()] == ["good", "small"]
    bad = dateline("extract", "--max-mb", "-3", str(good))
    assert bad.returncode == 2
    assert "--max-mb: must be a positive number of megabytes, not '-3'" in bad.stderr


def test_a_lone_surrogate_is_refused_where_it_is_read():
    """A JSON escape such as \\ud800 without its pair decodes to a string no UTF-8 output or parser can take."""
    row = json.dumps({"id": "s", "text": ENGLISH[:60] + "\ud800" + ENGLISH[60:]})
    with pytest.raises(DatelineError, match=r"^rows\.jsonl:1: report text is not valid Unicode \(a lone surrogate"):
        report_from_json_line(row, "rows.jsonl:1", {})
    row = json.dumps({"id": "s", "text": ENGLISH, "title": "Attack \udc00"})
    with pytest.raises(DatelineError, match=r"^rows\.jsonl:2: field 'title' is not valid Unicode"):
        report_from_json_line(row, "rows.jsonl:2", {})
