"""How numbers and states are said, the same in every format, and how a terminal colours them."""

from __future__ import annotations

import datetime as dt

from reformctl.models import STATUS_LABELS, Plan
from reformctl.query import LIGHTS, NO_LIGHT, Row, days_left, listed

LIGHT_AND_NONE = {**LIGHTS, NO_LIGHT: "未设期限"}
# rich styles on a terminal. 推进中 in blue: yellow is the light for 临期, and the two must not be mistaken.
STATUS_STYLES = {"todo": "dim", "doing": "blue", "done": "green", "blocked": "bold red", "na": "bright_black"}
LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green"}

LEDGER = {
    "task": "任务编号",
    "title": "任务",
    "id": "事项编号",
    "text": "内容",
    "lead": "牵头部门",
    "participants": "参与部门",
    "owner": "责任人",
    "status": "状态",
    "due": "期限",
    "light": "提示",
    "last_note": "最新进展",
    "last_note_date": "进展日期",
    "links": "证明材料",
}
LIST_HEADERS = ["编号", "内容", "牵头部门", "状态", "期限", "提示"]


def light_label(value: str | None) -> str:
    """● 逾期: the word carries the meaning without colour (NO_COLOR, GBK consoles)."""
    return f"● {LIGHTS[value]}" if value else ""


def hint(row: Row, as_of: dt.date) -> str:
    """逾期 3 天 / 临期，剩 2 天"""
    days = days_left(row, as_of)
    return f"逾期 {-days} 天" if days < 0 else f"临期，剩 {days} 天"


def bar(percent: int, width: int = 20) -> str:
    filled = round(percent * width / 100)
    return "█" * filled + "░" * (width - filled)


def counts(numbers: dict[str, int], labels: dict[str, str]) -> str:
    """未启动 3 · 推进中 2 · …"""
    return " · ".join(f"{labels[key]} {numbers[key]}" for key in labels)


def row_cells(row: Row, plan: Plan, light: str | None) -> list[str]:
    """A row of `list` in a file format: the LIST_HEADERS columns."""
    due = row.due.isoformat() if row.due else ""
    return [row.id, row.text, listed(row.lead(plan)), STATUS_LABELS[row.status], due, LIGHTS.get(light or "", "")]


def ledger_cells(record: dict[str, object]) -> list[str]:
    """A ledger record as a clerk reads it: Chinese labels, departments joined with 、."""
    cells = []
    for key in LEDGER:
        value = record[key]
        if key == "status":
            value = STATUS_LABELS[str(value)]
        elif key == "light":
            value = LIGHTS.get(str(value), "")
        elif isinstance(value, list):
            value = listed(value)
        cells.append("" if value is None else str(value))
    return cells
