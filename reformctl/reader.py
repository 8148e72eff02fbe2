"""Read a plan's text: YAML events into plain values (and nodes, for writing), validated, with
every problem located at its line and column.

PyYAML loses line numbers once it builds Python values, so the composed node tree is kept
beside the data when it is needed: pydantic's error locations are mapped back to the nodes' marks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from reformctl import messages
from reformctl.cache import no_gc
from reformctl.errors import PlanInvalid, Problem
from reformctl.files import display, read_bytes
from reformctl.models import Loc, Plan, check

MAX_DEPTH = 64


def make_loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """A safe loader that keeps dates as text, so that pydantic reports a bad one at its line."""
    resolvers = {
        first: [(tag, regexp) for tag, regexp in pairs if tag != "tag:yaml.org,2002:timestamp"]
        for first, pairs in base.yaml_implicit_resolvers.items()
    }
    return type("PlanLoader", (base,), {"yaml_implicit_resolvers": resolvers})  # the same loader, less dates


PARSERS = {"c": getattr(yaml, "CSafeLoader", None), "pure": yaml.SafeLoader}
# libyaml's C loader when PyYAML was built with it. A test seam, the one module state here: the
# tests switch it (use_parser) to run the write path under the pure-Python parser too.
LOADER = make_loader(PARSERS["c"] or yaml.SafeLoader)


def use_parser(name: str) -> str:
    """Read with libyaml ("c") or PyYAML's own parser ("pure"); returns the one used before.
    Their marks differ in subtle ways, so the tests run the write path under both."""
    global LOADER
    before = "pure" if LOADER.__bases__[0] is yaml.SafeLoader else "c"
    LOADER = make_loader(PARSERS[name] or yaml.SafeLoader)
    return before


_STR = "tag:yaml.org,2002:str"
_SCALARS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}
_COLLECTIONS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class Source:
    """A plan as the write path needs it: its text, its nodes (for the marks), the plain values it
    was validated from (to compare before and after), and the validated plan."""

    __slots__ = ("text", "root", "data", "plan")

    def __init__(self, text: str, root: yaml.Node, data: Any, plan: Plan):
        self.text, self.root, self.data, self.plan = text, root, data, plan


def parse(text: str, name: str) -> Source:
    """Validate a plan's text, keeping what a write needs; `name` is how problems name the file."""
    data, root, plan = _validated(text, name, nodes=True)
    assert root is not None  # read with nodes
    return Source(text, root, data, plan)


def validate(text: str, name: str) -> Plan:
    """Validate a plan's text for reading: no node tree unless there are problems to locate."""
    return _validated(text, name, nodes=False)[2]


def checked_data(text: str, name: str) -> Any:
    """The plain values of a text that validates (PlanInvalid otherwise), without a node tree:
    what the write path compares a spliced text by."""
    return _validated(text, name, nodes=False)[0]


def _validated(text: str, name: str, nodes: bool) -> tuple[Any, yaml.Node | None, Plan]:
    conflicts = _conflicts(text, name)
    if conflicts:
        raise PlanInvalid(conflicts)
    with no_gc():
        data, root = Reader(name, nodes).read(text)
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            raise PlanInvalid([_problem(name, _nodes(root, name, text), err) for err in exc.errors()]) from None
        problems = list(check(plan))
        if problems:
            root = _nodes(root, name, text)
            raise PlanInvalid([Problem(name, *position(root, loc), f"{dotted(loc)}: {msg}") for loc, msg in problems])
    return data, root, plan


def _nodes(root: yaml.Node | None, name: str, text: str) -> yaml.Node:
    """The node tree, read now if the text was read without one: an invalid file, to locate its problems."""
    if root is None:
        root = Reader(name, nodes=True).read(text)[1]
    assert root is not None  # read with nodes
    return root


def locate(path: Path, found: list[tuple[Loc, str]]) -> list[Problem]:
    """Problems at their line and column: the file is read again, with nodes, only when there are some."""
    name = display(path)
    root = Reader(name, nodes=True).read(decode(read_bytes(path, name), name))[1]
    assert root is not None
    return [Problem(name, *position(root, loc), f"{dotted(loc)}: {message}") for loc, message in found]


_CONFLICT = re.compile(r"^<<<<<<<(?: |$)", re.M)


def _conflicts(text: str, name: str) -> list[Problem]:
    """git's conflict markers: say so, rather than report a YAML syntax error."""
    if "<<<<<<<" not in text:
        return []
    return [
        Problem(name, line, 1, f"合并冲突未解决（第 {line} 行）：请先解决冲突，删去 <<<<<<<、=======、>>>>>>> 标记")
        for line in (text.count("\n", 0, m.start()) + 1 for m in _CONFLICT.finditer(text))
    ]


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a leading BOM dropped); anything else is one located, readable error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        before = raw[start : exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        hint = "（可能是在 Windows 上以 GBK/GB18030 保存的，请另存为 UTF-8）"
        raise PlanInvalid([Problem(name, line, col, f"文件不是 UTF-8 编码{hint}")]) from None


class Reader:
    """Read YAML events into plain values, and into nodes (with their marks) when asked.

    One pass over libyaml's events, with no node tree unless the caller needs one: at
    100,000 items a node tree costs hundreds of MiB. What a plan never needs and an attacker
    might use is refused, every instance in the file, each at its own position: aliases
    (the "billion laughs"), merge keys, Python and other tags, duplicate keys, deep nesting."""

    def __init__(self, name: str, nodes: bool = False):
        self.name = name
        self.nodes = nodes
        self.constructor = yaml.constructor.SafeConstructor()
        self.problems: list[Problem] = []

    def read(self, text: str) -> tuple[Any, yaml.Node | None]:
        """(plain data, root node or None); PlanInvalid with every problem found."""
        try:
            parser = LOADER(text)  # the pure-Python reader checks every character here
        except yaml.reader.ReaderError as exc:
            raise PlanInvalid([_reader_problem(self.name, text, exc, in_bytes=False)]) from None
        try:
            parser.get_event()  # stream start
            if parser.check_event(yaml.StreamEndEvent):
                raise PlanInvalid([Problem(self.name, 1, 1, "文件是空的")])
            parser.get_event()  # document start
            data, root = self.value(parser, parser.get_event(), 0)
            parser.get_event()  # document end
            if not parser.check_event(yaml.StreamEndEvent):
                self.complain(parser.get_event(), "文件中只能有一个 YAML 文档（去掉多余的 ---）")
        except yaml.MarkedYAMLError as exc:
            raise PlanInvalid([_syntax_problem(self.name, exc)]) from None
        except yaml.reader.ReaderError as exc:
            # libyaml reads the text as UTF-8 and counts bytes; PyYAML's own reader counts characters.
            in_bytes = isinstance(parser, getattr(getattr(yaml, "cyaml", None), "CParser", ()))
            raise PlanInvalid([_reader_problem(self.name, text, exc, in_bytes)]) from None
        except yaml.YAMLError as exc:
            raise PlanInvalid([Problem(self.name, None, None, f"YAML 错误：{exc}")]) from None
        finally:
            parser.dispose()
        if self.problems:
            raise PlanInvalid(self.problems)
        return data, root

    def complain(self, event: Any, message: str) -> None:
        mark = event.start_mark
        self.problems.append(Problem(self.name, mark.line + 1, mark.column + 1, message))

    def value(self, parser: Any, event: Any, depth: int) -> tuple[Any, yaml.Node | None]:
        if isinstance(event, yaml.AliasEvent):
            self.complain(event, "不支持 YAML 锚点与别名（& 与 *）：请在各处直接写出内容")
            return None, None
        if depth > MAX_DEPTH:
            self.complain(event, f"嵌套超过 {MAX_DEPTH} 层")
            self.skip(parser, event)
            return None, None
        if isinstance(event, yaml.ScalarEvent):
            return self.read_scalar(parser, event)
        kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
        tag = parser.resolve(kind, None, event.implicit) if event.tag in (None, "!") else event.tag
        if tag not in _COLLECTIONS:
            self.complain(event, messages.tag_message(tag))
        if kind is yaml.SequenceNode:
            items, children = [], []
            while not parser.check_event(yaml.SequenceEndEvent):
                item, child = self.value(parser, parser.get_event(), depth + 1)
                items.append(item)
                children.append(child)
            return items, self.node(kind, tag, children, event, parser.get_event())
        result: dict[Any, Any] = {}
        pairs = []
        while not parser.check_event(yaml.MappingEndEvent):
            key_event = parser.get_event()
            key, key_node = self.value(parser, key_event, depth + 1)
            item, child = self.value(parser, parser.get_event(), depth + 1)
            if not isinstance(key, str):
                self.complain(key_event, f"键应为文字，实际是 {key!r}")
            elif key in result:
                self.complain(key_event, f"重复的键 '{key}'（YAML 只会保留最后一个）")
            else:
                result[key] = item
                pairs.append((key_node, child))
        return result, self.node(kind, tag, pairs, event, parser.get_event())

    def read_scalar(self, parser: Any, event: Any) -> tuple[Any, yaml.Node | None]:
        tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit) if event.tag in (None, "!") else event.tag
        if tag not in _SCALARS:
            self.complain(event, messages.tag_message(tag))
            return None, None
        node = None
        if self.nodes or tag != _STR:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        value = event.value if tag == _STR else self.constructor.construct_object(node)
        return value, node if self.nodes else None

    def node(self, kind: type, tag: str, value: list[Any], start: Any, end: Any) -> yaml.Node | None:
        if not self.nodes:
            return None
        return kind(tag, value, start.start_mark, end.end_mark, flow_style=start.flow_style)

    def skip(self, parser: Any, event: Any) -> None:
        """Consume the rest of a collection that is too deep to read."""
        level = 0 if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)) else 1
        while level:
            event = parser.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                level += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                level -= 1


def _reader_problem(name: str, text: str, exc: yaml.reader.ReaderError, in_bytes: bool) -> Problem:
    """A character YAML does not allow (a control character), at its line and column."""
    at = max(exc.position, 0)
    if in_bytes:
        at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
    at = min(at, len(text))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return Problem(
        name, line, col, f"不允许的控制字符 U+{char:04X}：请删去，或在带引号的文字中写作转义（如 \\x{char:02x}）"
    )


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
    where = ""
    if start and mark and start.line != mark.line:
        where = f"（从第 {start.line + 1} 行第 {start.column + 1} 列开始）"
    what = " ".join(filter(None, [exc.context, exc.problem]))
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(name, line, col, f"YAML 语法错误{where}：{what}")


def dotted(loc: Loc) -> str:
    """('tasks', 5, 'items', 1, 'status') -> 'tasks[5].items[1].status'"""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "（文件顶层）"


def find_node(root: yaml.Node, loc: Loc, want_key: bool = False) -> yaml.Node:
    """The deepest node on the path `loc`; with want_key, the key node of the last step."""
    node = root
    for n, part in enumerate(loc):
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            continue
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if match:
                key, node = match[0]
                if want_key and n == len(loc) - 1:
                    return key
                continue
        break
    return node


def position(root: yaml.Node, loc: Loc, want_key: bool = False) -> tuple[int, int]:
    mark = find_node(root, loc, want_key).start_mark
    return mark.line + 1, mark.column + 1


def problem(name: str, root: yaml.Node, err: Any) -> Problem:
    """A pydantic error at its line and column, said as a clerk reads it."""
    return _problem(name, root, err)


def _problem(name: str, root: yaml.Node, err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    node = find_node(root, loc)
    line, col = position(root, loc, want_key=kind == "extra_forbidden")
    return Problem(name, line, col, f"{dotted(loc)}: {messages.clerk_message(err, node, loc)}")
