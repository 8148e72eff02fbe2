"""Find the plan file, read it safely, and validate it with every problem located.

PyYAML loses line numbers once it builds Python values, so the composed node tree is
kept beside the data: pydantic's error locations are mapped back to the nodes' marks.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from reformctl.errors import PlanInvalid, Problem, UsageError
from reformctl.files import display, read_bytes
from reformctl.models import STATUS_LABELS, Loc, Plan, check

DEFAULT = Path("data") / "tasks-2020.yaml"
PLAN_NAMES = "tasks-*.yaml"
MAX_DEPTH = 64

__all__ = ["display"]  # re-exported: callers name files through the loader


def make_loader(base: type) -> type:
    """A safe loader that keeps dates as text, so that pydantic reports a bad one at its line."""
    resolvers = {
        first: [(tag, regexp) for tag, regexp in pairs if tag != "tag:yaml.org,2002:timestamp"]
        for first, pairs in base.yaml_implicit_resolvers.items()
    }
    return type("PlanLoader", (base,), {"yaml_implicit_resolvers": resolvers})


# libyaml's C loader when PyYAML was built with it; the tests run the pure-Python one too.
Loader = make_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_STR = "tag:yaml.org,2002:str"
_SCALARS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")}
_COLLECTIONS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class Loaded:
    """A plan as read from one file: its validated model and, for writing, its text, its
    nodes and the plain values the model was validated from."""

    __slots__ = ("path", "text", "root", "plan", "data")

    def __init__(self, path: Path, text: str | None, root: yaml.Node | None, plan: Plan, data: Any = None):
        self.path, self.text, self.root, self.plan, self.data = path, text, root, plan, data


def bundled_path() -> Path:
    """The plan shipped inside the package (in a source checkout, the repo's own copy)."""
    from importlib import resources

    packaged = Path(str(resources.files("reformctl"))) / "data" / "tasks-2020.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / DEFAULT


def find_plan(file: Path | None = None, start: Path | None = None) -> Path:
    """--file (or $REFORMCTL_FILE, which Typer passes as --file), else the nearest plan found
    walking up from the working folder, else the bundled plan.

    In each folder a plan is a `tasks-*.yaml` there or in its `data/`; the first folder with
    exactly one wins, one with several is refused (say which with -f). Like git with
    safe.directory, a plan in a folder, or a file, that belongs to another user is never used."""
    if file is not None:
        return file
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        found = [p for where in (folder, folder / "data") for p in sorted(where.glob(PLAN_NAMES)) if p.is_file()]
        if len(found) > 1:
            names = "、".join(display(p) for p in found)
            raise UsageError(f"{display(folder)} 中有多个计划文件：{names}；请用 -f 指定")
        if found:
            plan = found[0]
            if any(_foreign(p) for p in {folder, plan.parent, plan}):
                raise UsageError(
                    f"找到 {display(plan)}，但它或所在文件夹属于另一个用户，出于安全没有使用；确要使用请用 -f 指定"
                )
            return plan
    return bundled_path()


def _foreign(path: Path) -> bool:
    if not hasattr(os, "getuid"):
        return False
    try:
        return os.lstat(path).st_uid != os.getuid()
    except OSError:
        return True


def load(path: Path) -> Loaded:
    """Read and validate a plan file for reading (through the cache); raise PlanInvalid with
    every located problem. Writes use parse() instead: they never trust the cache."""
    from reformctl import cache

    name = display(path)
    raw = read_bytes(path, name)
    with _no_gc():
        plan = cache.CACHE.get(raw)
    if plan is not None:
        return Loaded(path, None, None, plan)
    loaded = parse(decode(raw, name), name, path, nodes=False)
    cache.CACHE.put(raw, loaded.plan)
    return loaded


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building a document allocates millions of objects that all stay alive: the cyclic
    garbage collector would scan them again and again for nothing (half the time at 10,000 items)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse(text: str, name: str, path: Path, nodes: bool = True) -> Loaded:
    """Validate a plan's text; `name` is how problems refer to the file. With nodes, the
    node tree is kept, and the plain data, for splicing (the write path)."""
    conflicts = _conflicts(text, name)
    if conflicts:
        raise PlanInvalid(conflicts)
    with _no_gc():
        data, root = Reader(name, nodes).read(text)
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            root = root or Reader(name, nodes=True).read(text)[1]  # an invalid file: locate its problems
            raise PlanInvalid([_problem(name, root, err) for err in exc.errors()]) from None
        problems = list(check(plan))
        if problems:
            root = root or Reader(name, nodes=True).read(text)[1]
            raise PlanInvalid([Problem(name, *position(root, loc), f"{dotted(loc)}: {msg}") for loc, msg in problems])
    return Loaded(path, text, root, plan, data) if nodes else Loaded(path, text, None, plan)


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
            parser = Loader(text)  # the pure-Python reader checks every character here
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
            return self.scalar(parser, event)
        kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
        tag = parser.resolve(kind, None, event.implicit) if event.tag in (None, "!") else event.tag
        if tag not in _COLLECTIONS:
            self.complain(event, _tag_message(tag))
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

    def scalar(self, parser: Any, event: Any) -> tuple[Any, yaml.Node | None]:
        tag = parser.resolve(yaml.ScalarNode, event.value, event.implicit) if event.tag in (None, "!") else event.tag
        if tag not in _SCALARS:
            self.complain(event, _tag_message(tag))
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


def _tag_message(tag: str) -> str:
    return f"不支持的 YAML 标签 {tag.replace('tag:yaml.org,2002:', '!!')}：计划文件只用文字、数字、日期、列表和映射"


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


def _problem(name: str, root: yaml.Node, err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    node = find_node(root, loc)
    line, col = position(root, loc, want_key=kind == "extra_forbidden")
    return Problem(name, line, col, f"{dotted(loc)}: {_message(err, node, loc)}")


def _message(err: Any, node: yaml.Node, loc: Loc) -> str:
    """pydantic's English messages, said the way a clerk reads them."""
    kind, value = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    field = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少 {field}"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        import difflib  # only when something is wrong

        near = difflib.get_close_matches(str(field), allowed, n=1)
        hint = f"，是不是 {near[0]}？" if near else ""
        return f"未知的键 '{field}'{hint}（可用的键：{', '.join(allowed)}）"
    misread = _misread(node, value)
    if kind == "literal_error" and field == "status":
        choices = "、".join(f"{k}（{v}）" for k, v in STATUS_LABELS.items())
        return f"{misread + '，' if misread else repr(value) + ' '}不是有效状态，可选：{choices}"
    if kind == "literal_error" and field == "version":
        return f"不支持的格式版本 {value!r}：本工具读取 version: 1"
    if kind == "literal_error":
        return f"{misread + '，' if misread else repr(value) + ' '}不是可选的值：{ctx.get('expected')}"
    if kind == "string_type":
        if misread:
            return f'应为文字，但 {misread}：请加引号，写作 "{node.value}"'
        return f"应为文字，实际是 {value!r}"
    if kind in ("list_type", "tuple_type"):
        return "应为列表（[a, b] 或每行以 “- ” 开头）"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为键值映射（key: value）"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


_TYPE_NAMES = {bool: "布尔值", int: "整数", float: "数字", type(None): "空值"}


def _misread(node: yaml.Node, value: Any) -> str:
    """YAML 1.1 reads `no` as False and `6.10` as 6.1: say so, and how to quote it."""
    # A plain scalar's style is None in PyYAML and "" in libyaml.
    if isinstance(node, yaml.ScalarNode) and not isinstance(value, str) and not node.style:
        what = _TYPE_NAMES.get(type(value), type(value).__name__)
        return f"{node.value or '（空）'} 被 YAML 读成了{what} {value!r}"
    return ""


def _fields_at(loc: Loc) -> list[str]:
    """The keys the model allows at `loc`, for a "did you mean" on an unknown key."""
    model: Any = Plan
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if isinstance(model, type) else None
        if info is None:
            return []
        model = _model_in(info.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
