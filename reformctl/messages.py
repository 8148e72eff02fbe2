"""What went wrong, said the way a clerk reads it: pydantic's errors, and one did-you-mean."""

from __future__ import annotations

import difflib
import re
from typing import Any, get_args

from pydantic import BaseModel

from reformctl.keys import key_said
from reformctl.models import Loc, Plan, status_choices


def did_you_mean(value: str, choices: list[str]) -> str:
    """是不是 A、B？ with the nearest choices, or "" when none is near."""
    near = difflib.get_close_matches(value, choices, n=3, cutoff=0.55)
    return f"是不是 {'、'.join(near)}？" if near else ""


def tag_message(tag: str) -> str:
    return f"不支持的 YAML 标签 {tag.replace('tag:yaml.org,2002:', '!!')}：计划文件只用文字、数字、日期、列表和映射"


def clerk_message(err: Any, node: Any, loc: Loc) -> str:
    """pydantic's English messages, said the way a clerk reads them."""
    kind, value = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    field = loc[-1] if loc else ""
    if kind == "missing":
        return f"缺少{key_said(field)}"
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        near = did_you_mean(str(field), allowed)
        return f"未知的键 '{field}'{'，' + near if near else ''}（可用的键：{', '.join(allowed)}）"
    misread = _misread(node, value)
    if kind == "enum" and field in ("status", "from"):
        return f"{misread + '，' if misread else repr(value) + ' '}不是有效状态，可选：{status_choices()}"
    if kind == "literal_error" and field == "version":
        return f"不支持的格式版本（version）{value!r}：本工具读取 version: 1"
    if kind in ("literal_error", "enum"):
        expected = re.sub(r",? or ", "、", str(ctx.get("expected", ""))).replace(
            ", ", "、"
        )  # pydantic says 'a', 'b' or 'c'
        return f"{misread + '，' if misread else repr(value) + ' '}不是可选的值：{expected}"
    named = key_said(field) if isinstance(field, str) else ""  # 历史记录（history）应为列表
    if kind == "string_type":
        if misread:
            return f'{named}应为文字，但 {misread}：请加引号，写作 "{node.value}"'
        return f"{named}应为文字，实际是 {value!r}"
    if kind in ("list_type", "tuple_type"):
        return f"{named}应为列表（[a, b] 或每行以 “- ” 开头）"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{named}应为键值映射（key: value）"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


_TYPE_NAMES = {bool: "布尔值", int: "整数", float: "数字", type(None): "空值"}


def _misread(node: Any, value: Any) -> str:
    """YAML 1.1 reads `no` as False and `6.10` as 6.1: say so, and how to quote it."""
    # A plain scalar's style is None in PyYAML and "" in libyaml.
    if node.id == "scalar" and not isinstance(value, str) and not node.style:
        what = _TYPE_NAMES.get(type(value), type(value).__name__)
        return f"{node.value or '（空）'} 被 YAML 读成了{what} {value!r}"
    return ""


def _fields_at(loc: Loc) -> list[str]:
    """The keys the model allows at `loc`, for a "did you mean" on an unknown key."""
    model: Any = Plan
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
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
