"""Where each key of a TOML document is: key path -> line number, for error messages.

msgspec names a bad value by its path (``$.workload.arrival.rate_per_s``) but not its line, and
tomllib keeps no positions, so this scanner walks the text once: table headers (``[a.b]``,
``[[a]]`` arrays of tables), dotted and quoted keys, inline tables and (multi-line) arrays, with
strings and comments skipped. It only locates keys; tomllib has already checked the syntax.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+|\.\.\.)\]")
ANY_KEY = "[...]"
"""msgspec's stand-in for a dict key in a path; :func:`parse_key_path` keeps it as is."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[KeyPath, int] = {}
        self._array_counts: dict[KeyPath, int] = {}

    # -- low level ------------------------------------------------------------------------

    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif ch in " \t\r" or (newlines and ch == "\n"):
                self.pos += 1
            else:
                return

    def skip_string(self) -> str:
        text, start = self.text, self.pos
        quote = text[start]
        if text.startswith(quote * 3, start):
            end = text.find(quote * 3, start + 3)
            end = len(text) if end < 0 else end + 3
            while end < len(text) and text[end] == quote:  # """a"""" is legal
                end += 1
            self.pos = end
            return text[start + 3 : end - 3]
        i = start + 1
        while i < len(text) and text[i] != quote and text[i] != "\n":
            i += 2 if quote == '"' and text[i] == "\\" else 1
        self.pos = min(i + 1, len(text))
        return text[start + 1 : i]

    def key(self) -> list[str]:
        """A dotted key; stops before ``=`` or ``]``."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() in "\"'":
                parts.append(self.skip_string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    return parts
                parts.append(match.group())
                self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    # -- structure ------------------------------------------------------------------------

    def resolve(self, parts: list[str]) -> KeyPath:
        """Header path with the current index inserted after each array of tables."""
        path: KeyPath = ()
        for part in parts:
            path = (*path, part)
            if path in self._array_counts:
                path = (*path, self._array_counts[path])
        return path

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self.line()
            if self.text.startswith("[[", self.pos):
                self.pos += 2
                parts = self.key()
                base = (*self.resolve(parts[:-1]), parts[-1]) if parts else ()
                self._array_counts[base] = self._array_counts.get(base, -1) + 1
                table = (*base, self._array_counts[base])
                self.lines.setdefault(base, line)
                self.lines[table] = line
            elif self.peek() == "[":
                self.pos += 1
                table = self.resolve(self.key())
                self.lines.setdefault(table, line)
            else:
                self.key_value(table)
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end

    def key_value(self, table: KeyPath) -> None:
        line = self.line()
        parts = self.key()
        if not parts or self.peek() != "=":
            return
        self.pos += 1
        path = table
        for part in parts:
            path = (*path, part)
            self.lines.setdefault(path, line)
        self.lines[path] = line
        self.value(path)

    def value(self, path: KeyPath) -> None:
        self.skip_blank(newlines=False)
        ch = self.peek()
        if ch in "\"'":
            self.skip_string()
        elif ch == "{":
            self.pos += 1
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("}", ""):
                    self.pos += 1
                    return
                self.key_value(path)
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.pos += 1
                    return
                self.lines[(*path, index)] = self.line()
                self.value((*path, index))
                index += 1
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#":
                self.pos += 1


def key_lines(text: str) -> dict[KeyPath, int]:
    """Line (1-based) of every key, table header and array element in ``text``."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.lines


def parse_key_path(path: str) -> KeyPath:
    """``$.a.b[0].c`` (msgspec's notation) -> ``("a", "b", 0, "c")``."""
    parts: list[str | int] = []
    for name, index in _PATH_PART.findall(path.removeprefix("$")):
        parts.append(ANY_KEY if index == "..." else int(index) if index else name)
    return tuple(parts)


def format_key_path(path: KeyPath) -> str:
    """``("a", "b", 0)`` -> ``a.b[0]`` (the notation errors show)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """Line of ``path``, else of its closest enclosing key that the text spells out."""
    for end in range(len(path), 0, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None
