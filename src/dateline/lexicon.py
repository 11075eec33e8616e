"""The English words every stage matches on, read once from the data files under ``lang/en/``.

Stages keep no word lists of their own: a trigger word, a title, a month name or an ACLED code is a line in a
data file, so changing what the pipeline recognises is an edit to data, not to code (as in spaCy's
``spacy/lang/<xx>/``). Two kinds of file, named by their path under ``lang/en/`` without the suffix:

- ``.txt``: a word list, one entry per line, in order; blank lines and lines starting with ``#`` are skipped,
  and the file opens with a ``#`` comment saying what the list means and which stage reads it.
- ``.json``: a table (an object), whose ``"#"`` key holds the same header comment (a string or a list of lines).

Modules read what they need at import (``WORDS = lexicon().words("actors/title_words")``), so matching costs
what a module constant costs. ``DATELINE_LEXICON`` points the pipeline at another copy of the folder.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateline import DatelineError

DATA = Path(__file__).parent / "lang" / "en"
NOTES = {"RECONCILE.md"}  # prose beside the data, not read by any stage


class LexiconError(DatelineError):
    """A data file is malformed, or a stage asked for a list or table that does not exist."""


class Lexicon:
    """Every word list and table of one language folder, parsed and checked when constructed."""

    def __init__(self, root: Path | str = DATA) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise LexiconError(f"lexicon folder {self.root} does not exist")
        self._lists: dict[str, tuple[str, ...]] = {}
        self._sets: dict[str, frozenset[str]] = {}
        self._tables: dict[str, dict[str, Any]] = {}
        self.headers: dict[str, str] = {}
        self.used: set[str] = set()  # names some stage asked for: what is left over is dead data
        for path in sorted(self.root.rglob("*")):
            if path.is_dir() or path.name in NOTES:
                continue
            name = path.relative_to(self.root).with_suffix("").as_posix()
            if path.suffix == ".txt":
                self._lists[name] = self._read_list(path, name)
                self._sets[name] = frozenset(self._lists[name])
            elif path.suffix == ".json":
                self._tables[name] = self._read_table(path, name)
            else:
                raise LexiconError(f"{path}: not a lexicon file (.txt word list or .json table)")

    def _read_list(self, path: Path, name: str) -> tuple[str, ...]:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0].startswith("#"):
            raise LexiconError(f"{path}: a word list opens with a '#' comment saying what it means")
        self.headers[name] = " ".join(ln.lstrip("#").strip() for ln in _header(lines))
        entries: list[str] = []
        seen: set[str] = set()
        for number, line in enumerate(lines, 1):
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            if entry in seen:
                raise LexiconError(f"{path}:{number}: {entry!r} is listed twice")
            seen.add(entry)
            entries.append(entry)
        return tuple(entries)

    def _read_table(self, path: Path, name: str) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
        except (json.JSONDecodeError, ValueError) as err:
            raise LexiconError(f"{path}: {err}") from err
        head = data.get("#") if isinstance(data, dict) else None
        lines = [head] if isinstance(head, str) else head
        if not isinstance(lines, list) or not all(isinstance(ln, str) for ln in lines) or not "".join(lines).strip():
            raise LexiconError(f"{path}: a table is an object whose '#' key (a string or lines) says what it means")
        self.headers[name] = " ".join(ln.strip() for ln in lines)
        del data["#"]
        return data

    def names(self) -> list[str]:
        """Every list and table in the folder, by name."""
        return sorted([*self._lists, *self._tables])

    def words(self, name: str) -> frozenset[str]:
        """A word list as a set, for membership tests."""
        self._check(name, self._sets, "word list")
        return self._sets[name]

    def phrases(self, name: str) -> tuple[str, ...]:
        """A word list in file order, for lists where the first match wins or order builds a pattern."""
        self._check(name, self._lists, "word list")
        return self._lists[name]

    def table(self, name: str) -> dict[str, Any]:
        """A table, as a fresh copy the caller may reshape."""
        self._check(name, self._tables, "table")
        return copy.deepcopy(self._tables[name])

    def _check(self, name: str, store: dict[str, Any], kind: str) -> None:
        if name not in store:
            other = " (it is a table: use table())" if name in self._tables else ""
            other = other or (" (it is a word list: use words() or phrases())" if name in self._lists else "")
            raise LexiconError(f"no {kind} {name!r} in the lexicon at {self.root}{other}")
        self.used.add(name)


def alternation(phrases: Iterable[str], space: str = " ") -> str:
    """A regex alternation of literal phrases, in the order given (the first that matches wins), each space
    written as ``space`` (e.g. ``r"\\s+"``)."""
    return "|".join(re.escape(p).replace(r"\ ", space) for p in phrases)


def _header(lines: list[str]) -> list[str]:
    head = []
    for line in lines:
        if not line.startswith("#"):
            break
        head.append(line)
    return head


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} is given twice")
        out[key] = value
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon every stage reads: the shipped ``lang/en/``, or the folder ``DATELINE_LEXICON`` names."""
    return Lexicon(os.environ.get("DATELINE_LEXICON") or DATA)
