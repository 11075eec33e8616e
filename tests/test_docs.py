"""The docs against the code: every CLI option, API route, mode and merged-event field is documented, and the
docs' command examples print what they show.

Documents: README.md and docs/*.md. What is checked:

* CLI: every sub-command of ``dateline.cli.build_parser()`` and each of its option strings (``-h``/``--help`` aside)
  appears, as the literal flag, in a doc section (the text under one heading) that names ``dateline COMMAND``; so do
  the values of options with fixed choices. Every ``dateline ...`` line in a fenced block uses only real
  sub-commands and options, and one that is not a synopsis (no ``[...]``) parses.
* API: every ``METHOD /api/...`` route of the app appears in docs/api.md (``{name}`` path parameters match any
  name), and so do the dashboard's paths (``/``, ``/docs``, ``/openapi.json``, ``/static``); every ``METHOD /api/...``
  the docs name is a real route.
* Modes: the modes of each PLOVER type in the lexicon's mode tables (``lang/en/events/modes/*`` and the ``acled`` and
  ``cameo_by_mode`` tables of ``events/types.json``) are exactly those the ``mode`` row of docs/schema.md lists.
* Merged events: the field column of schema.md's merged-event table is exactly the fields of ``EventDetail``
  (``MergedEvent`` plus ``quotes``); ``Source`` is listed in full; each model of merged.py nested in them has its
  fields listed in its row, or is named there with its fields listed in a ``` `Name`: `{...}` ``` paragraph, or is
  named by its records.py base with its own extra fields named.
* Examples: each fenced ```text block holding ``$ COMMAND`` lines is run, in order, in one temporary working
  directory per document that holds a copy of examples/; the lines after a ``$`` line up to the next are its
  output (stdout and stderr together), compared exactly (trailing spaces and blank lines aside). A line that is
  only ``...`` or ``…`` stands for lines left out; output that is one JSON document is compared as JSON, so the docs
  may lay it out more compactly. A ``$ dateline`` line outside a ```text block fails the test.
  Markers, HTML comments on the lines right above the fence:
  ``<!-- docs-test: skip REASON -->``: not run (a server, a store the test cannot build, ../shared/data);
  ``<!-- docs-test: inputs NAME... -->``: the test first writes those small input files (INPUTS below).
  A command whose program is not installed (jq) is skipped, and the test then reports a skip.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import typing
from functools import cache
from pathlib import Path

import pydantic
import pytest

from dateline.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!--\s*docs-test:\s*(\w+)\s*(.*?)\s*-->$")

# Files the `inputs` marker asks for: what README's bad-input examples read.
INPUTS: dict[str, bytes] = {
    "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6",
    "report.txt": b"Police arrested 30 protesters in Accra on Tuesday, a police spokesman said.\n",
    "reports.jsonl": (
        b'{"id": "r1", "text": "Police arrested 30 protesters in Accra on Tuesday.", "published": "2025-04-02"}\n'
        b'{"id": "r2", "text": "Dock workers marched through Basra on Tuesday.", "published": "2024-03-13"}\n'
        b'{"id": "r3", "text": "Rockets struck a market in Kharkiv on Monday.", "title": 7}\n'
    ),
}
# Environment that would change what the examples print.
UNSET = ("DATELINE_DB", "DATELINE_EMBED", "DATELINE_LEXICON", "DATELINE_TOKEN")
BUILTINS = {"cd", "echo", "export", "printf", "test", "true", "false", "["}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _token(word: str) -> re.Pattern[str]:
    """`word` as a whole flag or name, not part of a longer one (`eval` is not in `eval-public`)."""
    return re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])")


def _sections(text: str) -> list[str]:
    """The text under each heading (headings inside code fences, such as `# comment` lines, do not count)."""
    sections, current, fenced = [], [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line) and current:
            sections.append("\n".join(current))
            current = []
        current.append(line)
    sections.append("\n".join(current))
    return sections


def _fenced_blocks(path: Path) -> list[tuple[int, str, list[str], list[str]]]:
    """(line number of the fence, language, lines, docs-test markers right above it) for each fenced block."""
    lines = _text(path).splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].startswith("```"):
            start, lang = i, lines[i][3:].strip()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            markers, k = [], start - 1
            while k >= 0 and MARKER.match(lines[k].strip()):
                markers.insert(0, lines[k].strip())
                k -= 1
            blocks.append((start + 1, lang, lines[start + 1 : end], markers))
            i = end + 1
        else:
            i += 1
    return blocks


# ---------------------------------------------------------------- CLI


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and not isinstance(a, argparse._HelpAction)]


def test_every_cli_option_is_documented():
    texts = [_text(p) for p in DOCS]
    missing = [
        f"dateline {flag}"
        for action in _options(build_parser())
        for flag in action.option_strings
        if not any(_token(flag).search(t) for t in texts)
    ]
    for name, parser in _subcommands().items():
        sections = [s for t in texts for s in _sections(t) if _token(f"dateline {name}").search(s)]
        if not sections:
            missing.append(f"dateline {name}: no doc section names the command")
            continue
        for action in _options(parser):
            for flag in action.option_strings:
                if not any(_token(flag).search(s) for s in sections):
                    missing.append(f"dateline {name} {flag}: {action.help}")
            for choice in action.choices or ():
                if not any(_token(str(choice)).search(s) for s in sections):
                    missing.append(f"dateline {name} {action.option_strings[0]} {choice}: a choice")
    assert not missing, "not in a doc section that names the command:\n" + "\n".join(missing)


def _shell_words(command: str) -> list[str] | None:
    """The shell words of `command`, with operators (`|`, `>`, `&&`) as words of their own; None if it does not lex."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return None


def _is_operator(word: str) -> bool:
    return bool(word) and set(word) <= set("();<>|&")


def _programs(words: list[str]) -> list[str]:
    """The program each pipeline or list element runs (`VAR=value` prefixes skipped)."""
    programs, start = [], True
    for word in words:
        if _is_operator(word):
            start = word in ("|", "||", "&&", ";", "&")
        elif start and not re.match(r"^[A-Z_][A-Z0-9_]*=", word):
            programs.append(word)
            start = False
    return programs


def _command_words(line: str) -> list[str] | None:
    """The arguments of a `dateline ...` command line (a `$ ` prompt and `VAR=value` prefixes dropped), up to its
    first shell operator; None for any other line."""
    words = _shell_words(line.strip().removeprefix("$ "))
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        words.pop(0)
    if not words or words[0] != "dateline":
        return None
    cut = next((i for i, word in enumerate(words) if _is_operator(word)), len(words))
    return words[1:cut]


def test_documented_command_lines_use_real_options():
    subcommands = _subcommands()
    top = {f for a in _options(build_parser()) for f in a.option_strings}
    wrong = []
    for path in DOCS:
        for lineno, _lang, lines, _markers in _fenced_blocks(path):
            prompted = any(line.startswith("$ ") for line in lines)  # then the other lines are output
            for offset, line in enumerate(lines, 1):
                words = _command_words(line) if line.startswith("$ ") or not prompted else None
                if words is None:
                    continue
                where = f"{_rel(path)}:{lineno + offset}: {line.strip()}"
                if not words or words[0] not in subcommands:
                    if not (words and words[0] in top):
                        wrong.append(f"{where}: no such sub-command")
                    continue
                known = {f for a in subcommands[words[0]]._actions for f in a.option_strings}
                synopsis = re.search(r"\[-|\.\.\.", line)  # `dateline eval GOLD [--extract | --db DB] ...`
                code = line.split(" #")[0] if synopsis else " ".join(words)
                flags = re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", code)
                wrong += [f"{where}: no option {flag}" for flag in flags if flag not in known]
                if not synopsis:
                    try:
                        build_parser().parse_args(words)
                    except SystemExit:
                        wrong.append(f"{where}: does not parse")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- API


def _routes(routes) -> list[tuple[str, str]]:
    """(method, path) of every route, through included routers; ("MOUNT", path) for mounted apps."""
    from starlette.routing import Mount

    found = []
    for route in routes:
        if isinstance(route, Mount):
            found.append(("MOUNT", route.path))
        elif getattr(route, "methods", None):
            found += [(method, route.path) for method in sorted(route.methods) if method != "HEAD"]
        elif hasattr(route, "original_router"):  # FastAPI's included router
            found += _routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            found += _routes(route.routes)
    return found


def _path_pattern(path: str) -> str:
    return re.sub(r"\\\{\w+\\\}", r"\\{\\w+\\}", re.escape(path))


def test_every_api_route_is_documented(tmp_path):
    from dateline.api import create_app

    app = create_app(str(tmp_path / "empty.db"), "token")
    routes = _routes(app.routes)
    api_paths = {path for _method, path in routes if path.startswith("/api/")}
    assert set(app.openapi()["paths"]) <= api_paths, "the route walk missed routes"
    assert api_paths and {"/", "/docs"} <= {path for _method, path in routes}
    doc = _text(ROOT / "docs" / "api.md")
    missing = []
    for method, path in routes:
        if path.startswith("/api/"):
            pattern = rf"\b{method} {_path_pattern(path)}(?![\w/{{])"
        else:
            pattern = "`" + re.escape(path) + "[`/?#]"
        if not re.search(pattern, doc):
            missing.append(f"{method} {path}")
    assert not missing, "routes not in docs/api.md:\n" + "\n".join(missing)

    real = {(method, re.sub(r"\{\w+\}", "{}", path)) for method, path in routes}
    stale = [
        f"{_rel(doc_path)}: {m.group(0)}"
        for doc_path in DOCS
        for m in re.finditer(r"\b(GET|POST|PUT|PATCH|DELETE) (/api/[\w{}/.-]*\w[}]?)", _text(doc_path))
        if (m.group(1), re.sub(r"\{\w+\}", "{}", m.group(2))) not in real
    ]
    assert not stale, "documented routes the app does not have:\n" + "\n".join(stale)


# ---------------------------------------------------------------- modes


# Each mode table in lang/en/events/modes/: the PLOVER type its modes are of, and where the modes are in it.
MODE_TABLES = {
    "assault.json": ("ASSAULT", "keys"),  # mode -> its words
    "coerce.json": ("COERCE", "values"),  # trigger word -> mode
    "heavy_weapons.txt": ("ASSAULT", "words"),  # the heavy-weapon modes
}


def _lexicon_modes() -> dict[str, set[str]]:
    from dateline.lexicon import lexicon

    lex = lexicon()
    folder = ROOT / "src" / "dateline" / "lang" / "en" / "events" / "modes"
    assert {p.name for p in folder.iterdir()} == set(MODE_TABLES), "a new mode table: add it to MODE_TABLES"
    modes: dict[str, set[str]] = {}
    for name, (ptype, where) in MODE_TABLES.items():
        stem = "events/modes/" + name.rsplit(".", 1)[0]
        if where == "words":
            found = set(lex.words(stem))
        else:
            table = lex.table(stem)
            found = set(table) if where == "keys" else set(table.values())
        modes.setdefault(ptype, set()).update(found)
    for ptype, entry in lex.table("events/types").items():
        if isinstance(entry, dict):
            found = {m for m in entry.get("acled", {}) if m != "*"} | set(entry.get("cameo_by_mode", {}))
            if found:
                modes.setdefault(ptype, set()).update(found)
    return modes


def _table_rows(section: str) -> dict[str, str]:
    """Each table row of `section` by each backticked name in its first cell (`actors[]` as `actors`)."""
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) >= 2:
            for name in re.findall(r"`(\w+)(?:\[\])?`", cells[0]):
                rows[name] = line
    return rows


def _section(path: Path, heading: str) -> str:
    return next(s for s in _sections(_text(path)) if s.startswith(heading))


def test_every_mode_is_documented():
    row = _table_rows(_section(ROOT / "docs" / "schema.md", "## Event"))["mode"]
    documented = {}
    for ptype, listed in re.findall(r"\b([A-Z]{4,}): ([^;|]+)", row):
        names = re.sub(r"\([^)]*\)", "", listed).split(",")
        documented[ptype] = {n.strip() for n in names if n.strip()}
    lexicon = _lexicon_modes()
    wrong = [
        f"{ptype}: not documented {sorted(lexicon.get(ptype, set()) - documented.get(ptype, set()))}, "
        f"not in the lexicon {sorted(documented.get(ptype, set()) - lexicon.get(ptype, set()))}"
        for ptype in sorted(set(lexicon) | set(documented))
        if lexicon.get(ptype) != documented.get(ptype)
    ]
    assert not wrong, "docs/schema.md's `mode` row against the lexicon's mode tables:\n" + "\n".join(wrong)


# ---------------------------------------------------------------- merged-event fields


def _braces(text: str) -> list[set[str]]:
    """The field lists written `{a, b, c}` in `text` (a name's trailing `(...)` or `[]` dropped)."""
    return [
        {re.match(r"\s*(\w+)", part).group(1) for part in inner.split(",") if re.match(r"\s*\w", part)}
        for inner in re.findall(r"\{([^{}]*)\}", text)
    ]


def _nested_models(annotation) -> list[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def _documented_model(model: type[pydantic.BaseModel], text: str, section: str) -> bool:
    fields = set(model.model_fields)
    if fields in _braces(text):
        return True
    named = f"`{model.__name__}`" in text
    paragraph = re.search(rf"`{model.__name__}`: `(\{{[^}}]*\}})", section)
    if named and paragraph and _braces(paragraph.group(1)) == [fields]:
        return True
    for base in model.__mro__[1:]:
        base_fields = getattr(base, "model_fields", None)
        if base.__module__ == "dateline.records" and base_fields and f"`{base.__name__}`" in text:
            return all(f"`{name}`" in text for name in fields - set(base_fields))
    return False


def test_every_merged_event_field_is_documented():
    from dateline import merged

    section = _section(ROOT / "docs" / "schema.md", "## Merged events in the store")
    rows = _table_rows(section)
    detail = set(merged.EventDetail.model_fields)
    assert set(merged.MergedEvent.model_fields) <= detail
    problems = [f"EventDetail.{name}: no row in the merged-event table" for name in sorted(detail - set(rows))]
    problems += [f"`{name}`: a row for a field EventDetail does not have" for name in sorted(set(rows) - detail)]
    # each model of merged.py below EventDetail, checked where it is first reached
    seen, queue = {merged.EventDetail}, [merged.EventDetail]
    while queue:
        parent = queue.pop(0)
        for name, field in parent.model_fields.items():
            for model in _nested_models(field.annotation):
                if model.__module__ != merged.__name__ or model in seen:
                    continue
                seen.add(model)
                queue.append(model)
                text = rows.get(name, "") if parent is merged.EventDetail else section
                if not _documented_model(model, text, section):
                    problems.append(
                        f"{parent.__name__}.{name} ({model.__name__}): list its fields {sorted(model.model_fields)} "
                        f"in docs/schema.md"
                    )
    assert merged.Source in seen
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- command examples


def _examples(path: Path) -> list[tuple[list[str], list[tuple[int, str, list[str]]]]]:
    """(inputs, [(line number, command, output lines)]) for each ```text block with `$` commands, in order."""
    examples, problems = [], []
    for lineno, lang, lines, markers in _fenced_blocks(path):
        if not any(line.startswith("$ ") for line in lines):
            continue
        directives = [MARKER.match(m).groups() for m in markers]
        unknown = [d for d, _ in directives if d not in ("skip", "inputs")]
        assert not unknown, f"{_rel(path)}:{lineno}: unknown docs-test marker {unknown}"
        if any(d == "skip" for d, _ in directives):
            continue
        if lang != "text":
            if any(_command_words(line) is not None for line in lines if line.startswith("$ ")):
                problems.append(f"{_rel(path)}:{lineno}: a `$ dateline` example outside a ```text block")
            continue
        inputs = [name for d, names in directives if d == "inputs" for name in names.split()]
        commands: list[tuple[int, str, list[str]]] = []
        for offset, line in enumerate(lines, 1):
            if line.startswith("$ "):
                commands.append((lineno + offset, line[2:], []))
            elif commands:
                commands[-1][2].append(line)
        examples.append((inputs, commands))
    assert not problems, "\n".join(problems)
    return examples


def _trim(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _matches(expected: list[str], actual: list[str]) -> bool:
    """`actual` is what `expected` shows: equal, equal as JSON, or equal around `...` lines that stand for others."""
    if expected and expected[0].lstrip()[:1] in "{[":
        try:
            shown = json.loads("\n".join(expected))
        except ValueError:
            pass
        else:
            try:
                return json.loads("\n".join(actual)) == shown
            except ValueError:
                return False
    parts: list[list[str]] = [[]]
    for line in expected:
        if line.strip() in ("...", "…"):
            parts.append([])
        else:
            parts[-1].append(line)
    if len(parts) == 1:
        return expected == actual
    first, *middle, last = parts
    if actual[: len(first)] != first or (last and actual[-len(last) :] != last):
        return False
    pos, end = len(first), len(actual) - len(last)
    for part in middle:
        found = next((i for i in range(pos, end - len(part) + 1) if actual[i : i + len(part)] == part), None)
        if found is None:
            return False
        pos = found + len(part)
    return pos <= end


def _missing_program(command: str, env: dict[str, str]) -> str | None:
    for program in _programs(_shell_words(command) or []):
        if program not in BUILTINS and shutil.which(program, path=env["PATH"]) is None:
            return program
    return None


@pytest.mark.parametrize("path", DOCS, ids=_rel)
def test_command_examples_print_what_the_docs_show(path, tmp_path):
    examples = _examples(path)
    if not examples:
        return
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "dateline"  # `dateline` is this interpreter's, whatever is on PATH
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dateline "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONUTF8="1")
    failures, skipped = [], []
    for inputs, commands in examples:
        for name in inputs:
            (work / name).write_bytes(INPUTS[name])
        for lineno, command, shown in commands:
            program = _missing_program(command, env)
            if program:
                skipped.append(f"{_rel(path)}:{lineno} needs {program}")
                continue
            proc = subprocess.run(
                ["bash", "-c", command],
                cwd=work,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                timeout=300,
                check=False,
            )
            actual = _trim(proc.stdout.splitlines())
            if not _matches(_trim(shown), actual):
                failures.append(
                    f"{_rel(path)}:{lineno}: $ {command}\n--- the docs show:\n"
                    + "\n".join(_trim(shown))
                    + f"\n--- it prints (exit status {proc.returncode}):\n"
                    + "\n".join(actual)
                )
    assert not failures, "\n\n".join(failures)
    if skipped:
        pytest.skip("the other examples match; not run: " + ", ".join(skipped))
