"""The lexicon: every data file under lang/en/ is well formed and read by some stage, and editing data is enough to
teach the pipeline a new word."""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dateline
from dateline.lexicon import DATA, NOTES, Lexicon, LexiconError, lexicon

FILES = sorted(p for p in DATA.rglob("*") if p.is_file() and p.name not in NOTES)


def _name(path: Path) -> str:
    return path.relative_to(DATA).with_suffix("").as_posix()


def test_the_shipped_lexicon_loads() -> None:
    lex = Lexicon()
    assert len(lex.names()) == len(FILES) > 100
    assert {p.suffix for p in FILES} == {".txt", ".json"}


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_every_file_has_a_header_and_no_duplicates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        lines = text.splitlines()
        assert lines[0].startswith("# ") and "Read by" in text.split("\n\n")[0].replace("\n# ", " ")
        entries = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        assert entries, "an empty word list"
        assert len(entries) == len(set(entries)), [e for e in entries if entries.count(e) > 1]
        return
    keys: list[list[str]] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys.append([k for k, _ in items])
        return dict(items)

    data = json.loads(text, object_pairs_hook=pairs)
    header = data["#"] if isinstance(data["#"], str) else " ".join(data["#"])
    assert "Read by" in header
    assert all(len(ks) == len(set(ks)) for ks in keys), "a key given twice"

    def lists(value: object) -> list[list]:
        if isinstance(value, dict):
            return [sub for k, v in value.items() if k != "#" for sub in lists(v)]
        if isinstance(value, list):
            return [value, *(sub for v in value for sub in lists(v))]
        return []

    for items in lists(data):
        words = [w for w in items if isinstance(w, str)]
        assert len(words) == len(set(words)), f"an entry listed twice in {items}"


def test_every_file_is_read_by_some_stage() -> None:
    """Importing every module makes each stage ask for its lists: what nobody asks for is dead data."""
    for info in pkgutil.walk_packages(dateline.__path__, "dateline."):
        if not info.name.endswith("__main__"):  # runs the command line
            importlib.import_module(info.name)
    assert set(lexicon().names()) - lexicon().used == set()


def test_unknown_names_and_wrong_kinds_raise() -> None:
    lex = Lexicon()
    with pytest.raises(LexiconError, match="no word list 'events/no_such_list'"):
        lex.words("events/no_such_list")
    with pytest.raises(LexiconError, match="'time/months'.*use table"):
        lex.words("time/months")
    with pytest.raises(LexiconError, match="'events/triggers/light_verbs'.*use words"):
        lex.table("events/triggers/light_verbs")


def test_lists_keep_their_order_and_tables_are_copies() -> None:
    lex = Lexicon()
    assert lex.phrases("events/weapons/weapon_words")[:3] == ("drone", "one-way attack drone", "rocket")
    table = lex.table("time/months")
    table["smarch"] = 13
    assert "smarch" not in lex.table("time/months")


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("a.txt", "attack\n", "opens with a '#' comment"),
        ("a.txt", "# header\nattack\nraid\nattack\n", "'attack' is listed twice"),
        ("a.json", '{"x": 1}', "'#' key"),
        ("a.json", '{"#": "header", "x": 1, "x": 2}', "key 'x' is given twice"),
        ("a.json", '{"#": "header", ', "a.json"),
        ("a.csv", "x", "not a lexicon file"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, name: str, text: str, error: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=error):
        Lexicon(tmp_path)


REPORT = "Rebels pummelled the town of Kidal on Monday, residents said.\n"
EXTRACT = (
    "import json, sys\n"
    "from dateline.pipeline import extract\n"
    "from dateline.records import Report\n"
    "out = extract(Report(id='r1', text=sys.argv[1], published='2025-03-05'))\n"
    "print(json.dumps([[e.type, e.trigger.text] for e in out.events]))\n"
)
DETAILS = EXTRACT.replace(
    "[e.type, e.trigger.text]", "[e.type, e.trigger.text, e.weapons, e.acled and e.acled.sub_event_type]"
)


def _events(lexicon_dir: Path | None, report: str = REPORT, script: str = EXTRACT) -> list[list]:
    env = {k: v for k, v in os.environ.items() if k != "DATELINE_LEXICON"}
    if lexicon_dir is not None:
        env["DATELINE_LEXICON"] = str(lexicon_dir)
    done = subprocess.run(
        [sys.executable, "-c", script, report], env=env, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_trigger_word_added_to_the_data_makes_an_event(tmp_path: Path) -> None:
    """The promise of the data files: a new trigger is an edit to events/triggers/verbs.json, not to code."""
    assert ["ASSAULT", "pummelled"] not in _events(None)
    copy = tmp_path / "en"
    shutil.copytree(DATA, copy)
    verbs = copy / "events" / "triggers" / "verbs.json"
    table = json.loads(verbs.read_text(encoding="utf-8"))
    table["ASSAULT"].append("pummel")
    verbs.write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")
    assert ["ASSAULT", "pummelled"] in _events(copy)


def _edit_table(path: Path, edit) -> None:
    table = json.loads(path.read_text(encoding="utf-8"))
    edit(table)
    path.write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")


def test_an_event_type_added_to_the_data_is_typed_and_coded(tmp_path: Path) -> None:
    """A new type is an entry in events/types.json (flags, CAMEO root, ACLED code) and its trigger words."""
    report = "Rescuers evacuated three hundred families from the flooded town of Kidal on Monday, officials said.\n"
    assert not any(e[0] == "EVACUATE" for e in _events(None, report, DETAILS))
    copy = tmp_path / "en"
    shutil.copytree(DATA, copy)
    new_type = {"flags": [], "cameo": "08", "acled": {"*": ["Strategic developments", "Other"]}}
    _edit_table(copy / "events" / "types.json", lambda t: t.update(EVACUATE=new_type))
    _edit_table(copy / "events" / "triggers" / "verbs.json", lambda t: t.update(EVACUATE=["evacuate"]))
    assert ["EVACUATE", "evacuated", [], "Other"] in _events(copy, report, DETAILS)


def test_a_weapon_added_to_the_data_is_reported(tmp_path: Path) -> None:
    """A new weapon is a line in events/weapons/weapon_words.txt: events name it in their weapons[]."""
    report = "Rioters attacked police with slingshots in the town of Kidal on Monday, residents said.\n"
    assert all(e[2] == [] for e in _events(None, report, DETAILS))
    copy = tmp_path / "en"
    shutil.copytree(DATA, copy)
    weapons = copy / "events" / "weapons" / "weapon_words.txt"
    weapons.write_text(weapons.read_text(encoding="utf-8") + "slingshot\n", encoding="utf-8")
    assert [e[2] for e in _events(copy, report, DETAILS)] == [["slingshot"]]


# What a stage may still spell out in code: the parser's labels, and identifiers that are not English words.
PARSE_LABELS = {"flat"}  # UD's name some rules accept beside spaCy's "compound"
NOT_LANGUAGE = {
    "api.py": {"critical", "http"},  # log levels, URL schemes
    "cmd_store.py": {"table", "added", "id"},  # output formats, ingest outcomes, table columns
    "dataset.py": {"reports"},  # the Parquet dataset's parts
    "export.py": {"table", "latitude"},  # output formats, column names
    "embed.py": {"query"},  # the encoder's weight names
    "filters.py": {"lat"},  # query parameters
    "geocode.py": {"strong", "district"},  # the stage's own labels for a cue's strength and a mention's shape
    "store.py": {"lang", "migrations"},  # path parts
    "merge.py": {"actors"},  # merged-event fields merged as lists
}
SKIPPED = ("evalsets/", "evaluate.py", "lexicon.py", "migrations/")  # scoring code and the loader itself


def _word_collections(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """Every set, list or tuple literal of two or more lower-case words, outside ``Literal[...]``."""
    inside_literal = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", getattr(node.value, "attr", "")) == "Literal"
        for sub in ast.walk(node.slice)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in inside_literal or not isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            continue
        values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if len(values) == len(node.elts) >= 2 and all(re.fullmatch(r"(?=.*[a-z])[a-z'’][a-z'’ -]*", v) for v in values):
            found.append((node.lineno, values))
    return found


def _identifiers() -> set[str]:
    """Field names of the typed records and the values of their ``Literal`` types: names, not vocabulary."""
    from pydantic import BaseModel

    names: set[str] = set()
    for info in pkgutil.walk_packages(dateline.__path__, "dateline."):
        if info.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                names |= set(value.model_fields)
                for field in value.model_fields.values():
                    names |= {a for a in getattr(field.annotation, "__args__", ()) if isinstance(a, str)}
    for path in Path(dateline.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Literal":
                names |= {c.value for c in ast.walk(node.slice) if isinstance(c, ast.Constant)}
    return {n for n in names if isinstance(n, str)}


def test_no_stage_keeps_a_word_list_of_its_own() -> None:
    """Issue 9's rule: words a stage matches on live under lang/en/; code names parse labels and fields only."""
    from dateline.nlp import load_nlp

    labels = set(load_nlp().get_pipe("parser").labels) | PARSE_LABELS
    identifiers = _identifiers()
    root = Path(dateline.__file__).parent
    lists = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(SKIPPED):
            continue
        for line, words in _word_collections(ast.parse(path.read_text(encoding="utf-8"))):
            if set(words) <= labels or set(words) <= identifiers or words[0] in NOT_LANGUAGE.get(rel, ()):
                continue
            lists.append(f"{rel}:{line} {words}")
    assert not lists, "word lists in code (move them to a data file under lang/en/):\n" + "\n".join(lists)
