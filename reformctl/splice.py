"""Text edits at the YAML nodes' marks: what a careful person would change by hand.

The new text is the old text with a few spans replaced, never a re-dump, so comments, quoting,
flow or block style, CRLF and a BOM all survive. Each function returns a Splice, (start, end,
new text), found from the marks of the node tree that reader.parse keeps; `apply` makes them.
"""

from __future__ import annotations

import json
import re

import yaml

from reformctl.errors import Refused
from reformctl.keys import key_said

Splice = tuple[int, int, str]


def apply(text: str, splices: list[Splice]) -> str:
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def key_value(mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value if k.value == key), None)


def value_of(mapping: yaml.Node, key: str) -> yaml.Node:
    pair = key_value(mapping, key)
    if pair is None:
        raise Refused(f"找不到{key_said(key)}")
    return pair[1]


def replace_value(node: yaml.Node, value: str) -> Splice:
    """A scalar or a flow list replaced by `value`, which is YAML text as value_text writes it
    (quoted when it must be): the old quotes go with the old value, as a person retyping it would
    do. A block scalar or a block list is refused."""
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        return node.start_mark.index, end_of(node), value
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, "", '"', "'"):
        raise Refused(f"第 {node.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return node.start_mark.index, node.end_mark.index, value


def replace_scalar(node: yaml.Node, value: str) -> Splice:
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    quote = {'"': '"', "'": "'"}.get(style or "", "")
    if not isinstance(node, yaml.ScalarNode) or (style and not quote):
        raise Refused(f"第 {node.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return node.start_mark.index, node.end_mark.index, f"{quote}{value}{quote}"


def end_of(node: yaml.Node) -> int:
    """Where a node's own text ends. A block collection's end mark lies at the next token,
    past comments and blank lines that belong to what follows, so ask its last child."""
    if isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return end_of(last[1] if isinstance(last, tuple) else last)
    return node.end_mark.index


def after_line(text: str, index: int) -> int:
    """The start of the line after the one holding text[index - 1]."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def record_lines(record: dict[str, str | None]) -> list[str]:
    return [f"{key}: {'null' if value is None else value}" for key, value in record.items()]


# What must never stand raw in the file: YAML's own line breaks (NEL, LS, PS), the other C1
# controls and DEL, and the bidi marks (which would reorder what a reviewer sees in a diff).
_ESCAPE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def yaml_text(value: str) -> str:
    """Plain when YAML reads it back as the same text, in a flow mapping and as a block value;
    else double-quoted, with every control character and bidi mark written as an escape (\\u202e)."""
    if not _ESCAPE.search(value) and value.isprintable() and value.strip() == value:
        try:  # in a flow mapping and as a block value; standard resolvers: a date-like note gets quoted
            back = [yaml.safe_load(f"{{k: {value}}}"), yaml.safe_load(f"k: {value}\n")]
        except Exception:  # a YAML error, or a date-like value that is no date (2020-13-45)
            back = None
        if back == [{"k": value}] * 2:
            return value
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


PLAIN = ("date", "from", "status", "from_due", "due", "reply_by")  # dates and status words: never need quotes


def value_text(key: str, value: object) -> str | None:
    """A value as the file writes it: a list in flow style, people's text quoted when it must be."""
    if value is None:
        return None
    if key in PLAIN:
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_text(str(v)) for v in value) + "]"
    return yaml_text(str(value))


def append_record(text: str, mapping: yaml.MappingNode, given: dict[str, object]) -> Splice:
    """Add a history record in the style the item already uses."""
    record = {key: value_text(key, value) for key, value in given.items()}
    nl = newline(text)
    flow = "{" + ", ".join(record_lines(record)) + "}"
    pair = key_value(mapping, "history")
    if pair is None:
        last_value = mapping.value[-1][1]
        if mapping.flow_style:
            at = end_of(last_value)
            return at, at, f", history: [{flow}]"
        indent = " " * mapping.value[0][0].start_mark.column
        at = after_line(text, end_of(last_value))
        lead = nl if at == len(text) and not text.endswith("\n") else ""
        return at, at, f"{lead}{indent}history:{nl}{indent}  - {flow}{nl}"
    history = pair[1]
    if not isinstance(history, yaml.SequenceNode):
        raise Refused(f"第 {history.start_mark.line + 1} 行：历史记录（history）应为列表，请手工修正")
    if history.flow_style:
        if not history.value:
            at = history.start_mark.index + 1
            return at, at, flow
        at = end_of(history.value[-1])
        return at, at, f", {flow}"
    last = history.value[-1]
    dash = " " * history.start_mark.column
    at = after_line(text, end_of(last))
    lead = nl if at == len(text) and not text.endswith("\n") else ""
    if isinstance(last, yaml.MappingNode) and not last.flow_style:
        inner = " " * last.start_mark.column
        block = f"{nl}{inner}".join(record_lines(record))
        return at, at, f"{lead}{dash}- {block}{nl}"
    return at, at, f"{lead}{dash}- {flow}{nl}"


def insert_after(text: str, mapping: yaml.MappingNode, after: str, pairs: list[tuple[str, str]]) -> Splice:
    """New `key: value` lines, in order, right after the line of `after` (block) or after its
    value (flow): one splice, so that several keys keep their order."""
    _, anchor = key_value(mapping, after) or (None, mapping.value[-1][1])
    if mapping.flow_style:
        at = end_of(anchor)
        return at, at, "".join(f", {key}: {value}" for key, value in pairs)
    indent = " " * mapping.value[0][0].start_mark.column
    at = after_line(text, end_of(anchor))
    lead = newline(text) if at == len(text) and not text.endswith("\n") else ""
    return at, at, lead + "".join(f"{indent}{key}: {value}{newline(text)}" for key, value in pairs)


def remove_key(text: str, mapping: yaml.MappingNode, key: str) -> Splice:
    """Take `key: value` out of a mapping, with its line (block) or its comma (flow)."""
    pairs = [k for k, _ in mapping.value]
    found = key_value(mapping, key)
    if found is None or pairs.index(found[0]) == 0:
        raise Refused(f"找不到可删去的{key_said(key)}")
    name, value = found
    if mapping.flow_style:
        previous = mapping.value[pairs.index(name) - 1][1]
        return end_of(previous), end_of(value), ""
    start = line_start(text, name.start_mark.index)
    if text[start : name.start_mark.index].strip():
        raise Refused(f"第 {name.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return start, after_line(text, end_of(value)), ""


def remove_last_record(text: str, mapping: yaml.MappingNode) -> Splice:
    key, history = key_value(mapping, "history") or (None, None)
    if key is None or not isinstance(history, yaml.SequenceNode) or not history.value:
        raise Refused("没有可撤销的进展记录")
    if len(history.value) == 1:
        return remove_key(text, mapping, "history")  # the only record: the key goes, as it was before
    last = history.value[-1]
    if history.flow_style:
        return end_of(history.value[-2]), end_of(last), ""
    start = line_start(text, last.start_mark.index)
    if not re.fullmatch(r"\s*-\s*", text[start : last.start_mark.index]):
        raise Refused(f"第 {last.start_mark.line + 1} 行的写法无法精确修改，请手工编辑")
    return start, after_line(text, end_of(last)), ""
