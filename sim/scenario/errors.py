"""Scenario errors that say where: file, line, key path and reason."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from ._choices import allowed_values
from .toml_lines import ANY_KEY, KeyPath, format_key_path, key_lines, line_of, parse_key_path

_AT_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)
_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]+)`")
_EXPECTED_FIELD = re.compile(r"^Expected `(?P<name>[A-Za-z0-9_]+)`")
_TOML_LINE = re.compile(r"at line (?P<line>\d+)")


class ScenarioProblem(msgspec.Struct, frozen=True):
    """One thing wrong with a scenario (or profile) file."""

    file: str
    line: int | None
    key_path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.key_path}: {self.reason}"


class ScenarioError(ValueError):
    """A scenario that cannot run; ``problems`` lists every check that failed."""

    def __init__(self, problems: Sequence[ScenarioProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SourceText:
    """A TOML file's text and key lines, to place problems found by path."""

    def __init__(self, file: Path | str, text: str) -> None:
        self.file = str(file)
        self.text = text
        self._lines = key_lines(text)

    def problem(self, path: KeyPath, reason: str) -> ScenarioProblem:
        line = line_of(self._lines, path)
        if line is None and self.text:
            line = 1  # a key the file leaves out (a default) is placed at the top
        return ScenarioProblem(self.file, line, format_key_path(path), reason)

    def decode_problem(self, exc: msgspec.DecodeError, type_: type[Any]) -> ScenarioProblem:
        """A msgspec TOML decode failure (syntax error or schema violation) placed in the file.

        msgspec writes ``[...]`` for a dict key; the key is found by decoding the document again
        with only one key of that table at a time.
        """
        message = str(exc)
        if not isinstance(exc, msgspec.ValidationError):
            found = _TOML_LINE.search(message)
            line = int(found.group("line")) if found else (
                max(1, len(self.text.splitlines())) if "end of document" in message else None)
            return ScenarioProblem(self.file, line, "(syntax)", message)
        match = _AT_PATH.match(message)
        assert match is not None  # the pattern matches any text
        reason, raw_path = match.group("reason"), match.group("path") or "$"
        path = self._name_dict_keys(parse_key_path(raw_path), reason, type_)
        named = _NAMED_FIELD.search(reason) or _EXPECTED_FIELD.match(reason)
        if named is not None:
            candidate = (*path, named.group("name"))
            if "missing" in reason or candidate in self._lines:
                path = candidate
        if reason.startswith(("Invalid enum value", "Invalid value")):
            choices = allowed_values(type_, path)
            if choices:
                reason = f"{reason}; expected one of: {', '.join(choices)}"
        return self.problem(path, reason)

    def _name_dict_keys(self, path: KeyPath, reason: str, type_: type[Any]) -> KeyPath:
        if ANY_KEY not in path:
            return path
        document = tomllib.loads(self.text)
        resolved: KeyPath = ()
        for part in path:
            if part != ANY_KEY:
                resolved = (*resolved, part)
                continue
            table = _get(document, resolved)
            culprit = next((key for key in table if _fails_alone(document, resolved, key, reason,
                                                                 type_)), None)
            if culprit is None:
                return resolved
            kept = table[culprit]
            table.clear()  # later wildcards search under this key only
            table[culprit] = kept
            resolved = (*resolved, culprit)
        return resolved


def _get(document: Any, path: KeyPath) -> Any:
    for part in path:
        document = document[part]
    return document


def _fails_alone(document: dict[str, Any], path: KeyPath, key: str, reason: str,
                 type_: type[Any]) -> bool:
    trial = copy.deepcopy(document)
    table = _get(trial, path)
    kept = table[key]
    table.clear()
    table[key] = kept
    try:
        msgspec.convert(trial, type_)
    except msgspec.ValidationError as exc:
        return str(exc).startswith(reason)
    return False
