"""Read YAML safely into plain Python values, keeping node marks for error lines.

We compose the node graph ourselves instead of calling ``yaml.safe_load`` so that
we can (1) reject duplicate keys, which PyYAML silently overwrites, (2) refuse
any non-standard tag without constructing it, (3) refuse aliases to collections,
which is how "billion laughs" documents explode, and (4) point every problem at
``file:line``. Timestamps stay strings: the schema validates dates itself.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from agencyref.errors import DataError, Problem
from agencyref.text import is_clean, printable, strip_unsafe, unsafe_kinds

__all__ = ["compose", "line_of", "path_text", "printable", "read_yaml"]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64
MAX_BYTES = 32 * 1024 * 1024
# Aliases to scalars are allowed, but every use repeats the text downstream (records, cache,
# output): a 1 MB string aliased 100,000 times is 100 GB. Their expanded text is capped.
MIN_ALIAS_BUDGET = 64 * 1024

_T = "tag:yaml.org,2002:"
_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


def _int(value: str) -> int:
    v = value.replace("_", "")
    sign = -1 if v.startswith("-") else 1
    v = v.lstrip("+-")
    if v.startswith("0b"):
        return sign * int(v[2:], 2)
    if v.startswith("0x"):
        return sign * int(v[2:], 16)
    if v.startswith("0o"):
        return sign * int(v[2:], 8)
    if v != "0" and v.startswith("0"):
        return sign * int(v, 8)
    return sign * int(v)


def _float(value: str) -> float:
    v = value.replace("_", "").lower()
    if v in (".inf", "+.inf"):
        return float("inf")
    if v == "-.inf":
        return float("-inf")
    if v == ".nan":
        return float("nan")
    return float(v)


_PLAIN_KEY = re.compile(r"[\w-]+")


def path_text(path: tuple[str | int, ...]) -> str:
    """``agencies[0].name``; a key with spaces, dots or control characters is quoted: ``meta['a b']``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"  # repr escapes line breaks and control characters
    return out


class _Builder:
    def __init__(self, file: str, alias_budget: int | None = MIN_ALIAS_BUDGET) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.aliases = 0
        self.scalars: set[int] = set()
        self.alias_budget = alias_budget  # characters that aliased scalars may add; None: no aliases
        self.sanitized: list[Problem] = []  # values whose controls or invisible characters were removed

    def repeated(self, node: yaml.ScalarNode, path: tuple[str | int, ...]) -> bool:
        """Count a scalar reached again through an alias; True once the repeats grow too large."""
        if self.alias_budget is None:
            return False
        if id(node) not in self.scalars:
            self.scalars.add(id(node))
            return False
        self.alias_budget -= len(node.value) + 1
        if self.alias_budget >= 0:
            return False
        if self.alias_budget + len(node.value) + 1 >= 0:  # the first use over the budget: one message
            self.problem(node, path, "aliases repeat too much text (write the values out, or shorten them)")
        return True

    def problem(self, node: yaml.Node, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, path_text(path), message))

    def build(self, node: yaml.Node, path: tuple[str | int, ...], depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.problem(node, path, f"nested deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.ScalarNode):
            return None if self.repeated(node, path) else self.scalar(node, path)
        if id(node) in self.seen:
            # Aliases to collections are how "billion laughs" files explode; one message is enough.
            self.aliases += 1
            if self.aliases == 1:
                self.problem(node, path, "aliases to mappings or lists are not allowed (write the value out)")
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _T + "seq":
                self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _T + "map":
                self.problem(node, path, f"unsupported YAML tag {node.tag!r}")
                return None
            return self.mapping(node, path, depth)
        self.problem(node, path, "unsupported YAML node")
        return None

    def mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _T + "merge":
                self.problem(key_node, path, "keys must be plain strings (merge keys are not supported)")
                continue
            if self.repeated(key_node, path):
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problem(key_node, (*path, key), f"duplicate key (first defined on line {first_line[key]})")
                continue
            first_line[key] = line
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def clean(self, node: yaml.ScalarNode, path: tuple[str | int, ...], value: str) -> str:
        """Text as it may be shown: controls, bidi and zero-width characters removed (line breaks kept)."""
        kinds = unsafe_kinds(value, multiline=True)
        self.sanitized.append(
            Problem(self.file, node.start_mark.line + 1, path_text(path), f"removed {' and '.join(kinds)}")
        )
        return strip_unsafe(value, multiline=True)

    def scalar(self, node: yaml.ScalarNode, path: tuple[str | int, ...]) -> Any:
        tag, value = node.tag, node.value
        try:
            if tag in (_T + "str", _T + "timestamp"):
                return value if is_clean(value, multiline=True) else self.clean(node, path, value)
            if tag == _T + "null":
                return None
            if tag == _T + "bool":
                return _BOOL[value.lower()]
            if tag == _T + "int":
                return _int(value)
            if tag == _T + "float":
                return _float(value)
        except (ValueError, KeyError):
            self.problem(node, path, f"cannot read {value!r} as {tag.rsplit(':', 1)[-1]}")
            return None
        self.problem(node, path, f"unsupported YAML tag {tag!r}")
        return None


def compose(text: str, file: str) -> yaml.Node | None:
    """Parse ``text`` to a node graph (no objects are constructed)."""
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise DataError([Problem(file, line, "", f"invalid YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; str(exc) spans two lines
        # libyaml counts the position in UTF-8 bytes, the pure-Python reader in characters.
        if _Loader is yaml.SafeLoader:
            line = text.count("\n", 0, exc.position) + 1
        else:
            line = text.encode("utf-8").count(b"\n", 0, exc.position) + 1
        what = f"character #x{exc.character:04x}" if isinstance(exc.character, int) else "character"
        raise DataError([Problem(file, line, "", f"invalid YAML: {what} is not allowed ({exc.reason})")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(file, None, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise DataError([Problem(file, None, "", "invalid YAML: nested too deeply")]) from None
    finally:
        loader.dispose()
    return node


def read_yaml(data: bytes, file: str, sanitized: list[Problem] | None = None) -> tuple[Any, yaml.Node | None]:
    """Decode bytes and build plain values; raise DataError listing every problem.

    Text values lose control, bidi and zero-width characters (keys do not: an odd key is reported
    as unknown). Each value so cleaned is appended to ``sanitized`` when given, for ``validate``.
    """
    if len(data) > MAX_BYTES:
        raise DataError([Problem(file, None, "", f"file is larger than the {MAX_BYTES // 2**20} MiB limit")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError([Problem(file, line, "", f"not valid UTF-8 (byte {exc.start})")]) from None
    node = compose(text, file)
    if node is None:
        return None, None
    # Without a '*' there is no alias, and nothing to count.
    builder = _Builder(file, max(MIN_ALIAS_BUDGET, len(text)) if "*" in text else None)
    value = builder.build(node, (), 0)
    if builder.problems:
        raise DataError(builder.problems)
    if sanitized is not None:
        sanitized += builder.sanitized
    return value, node


def line_of(root: yaml.Node | None, path: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node along ``path`` (for messages after validation)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
