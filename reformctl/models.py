"""The plan file's model: the single source of its rules and of the JSON Schema.

Pydantic checks the shape of every value (strictly: YAML's `6.10` is a float, not an id);
`check()` adds the rules that span several values (ids, departments, items vs. status).
Both report a location as a path of keys and indexes, which the loader maps to a line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reformctl.keys import key_said

if TYPE_CHECKING:
    from pydantic.json_schema import JsonDict


class Word(str, Enum):
    """A word of the file with the label a clerk reads (StrEnum's str(), on Python 3.10 too)."""

    label: str

    def __new__(cls, value: str, label: str) -> Word:
        member = str.__new__(cls, value)
        member._value_, member.label = value, label
        return member

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


# The one definition of the statuses and the unit levels: the model, the schema, the options,
# completion and every label are made from these.
class Status(Word):
    """A row's status: the word the file writes, and its label."""

    TODO = "todo", "未启动"
    DOING = "doing", "推进中"
    DONE = "done", "已完成"
    BLOCKED = "blocked", "受阻"
    NA = "na", "不适用"


class Level(Word):
    """A unit's level."""

    NATIONAL = "全国", "全国"
    PROVINCE = "省级", "省级"
    CITY = "市级", "市级"
    COUNTY = "县级", "县级"


STATUS_LABELS: dict[str, str] = {status.value: status.label for status in Status}
STATUS_ALIASES = {"不涉及": "na", "n/a": "na"}  # other words clerks type for a status
NOT_APPLICABLE = Status.NA.value  # needs a reason (a record's note); counts neither as done nor as open
ASSIGNED = ("owner", "contact", "participants")  # what `assign` sets, recorded as {from_x, x}
RECORD_CHANGES = ("status", "due", *ASSIGNED, "reminded")  # a record changes (or says) at least one of these
ROW_ONLY = (
    "status",
    "due",
    "deadline",
    "history",
    "implements",
    "owner",
    "contact",
)  # on items, never on a task with items
CONTACT = re.compile(r"[0-9０-９+＋\-－ ()（）]{5,20}|[^@\s]+@[^@\s]+\.[^@\s]+")
STATUS_HELP = " / ".join(f"{key} {label}" for key, label in STATUS_LABELS.items())
LEVELS = tuple(level.value for level in Level)


def status_choices() -> str:
    """todo（未启动）、doing（推进中）、done（已完成）、blocked（受阻）"""
    return "、".join(f"{key}（{label}）" for key, label in STATUS_LABELS.items())


Loc = tuple[str | int, ...]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Ids as the file spells them: ASCII digits and dots. `６.2` or `" 13"` would look like 6.2 and 13
# to a person and to forgiving input, yet be another id to the file.
ID = re.compile(r"[0-9]+(\.[0-9]+)*")
ID_SCHEMA: JsonDict = {"pattern": "^[0-9]+(\\.[0-9]+)*$"}  # the same rule, for editors


def parse_day(value: str) -> dt.date:
    """YYYY-MM-DD only (no week dates, no 20200901), with a message a clerk understands."""
    if not _DATE.fullmatch(value):
        raise ValueError(f"应为日期 YYYY-MM-DD，实际是 {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} 不是存在的日期") from None


def _parse_date(value: Any) -> Any:
    # The loader keeps dates as text, so a bad one is reported here, at its line.
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_day(value)
    raise ValueError(f"应为日期 YYYY-MM-DD，实际是 {value!r}")


class _DateText:
    """Dates as the file writes them, checked by _parse_date before pydantic sees a date (what
    pydantic's BeforeValidator does, without importing its validators module at every start)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(_parse_date, handler(source))


Date = Annotated[dt.date, _DateText]
DeptRefs = Annotated[list[str], Field(description="部门简称或全称，见 departments")]


class Strict(BaseModel):
    # Built on first use: a read served from the cache never needs the validators. A status or
    # level is kept as its word (use_enum_values), as a plan from the cache has it too.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True, use_enum_values=True)


class Document(Strict):
    """发文信息"""

    title: str = Field(description="文件标题")
    notice: str | None = Field(None, description="通知标题")
    number: str | None = Field(None, description="发文字号")
    issuer: str | None = Field(None, description="发文机关")
    signed: Date | None = Field(None, description="成文日期")
    printed: Date | None = Field(None, description="印发日期")
    published: Date | None = Field(None, description="发布日期")
    recipients: str | None = Field(None, description="主送")
    body: str | None = Field(None, description="通知正文")
    cc: str | None = Field(None, description="抄送")
    attachment: str | None = Field(None, description="附件")


class Department(Strict):
    id: str = Field(description="简称，如 学会部")
    name: str | None = Field(None, description="全称，如 学会学术部；文件未写明时可不填")
    email: str | None = Field(None, description="接收催办通知的电子邮箱")

    @property
    def full(self) -> str:
        """The full name, or the short one where the file gives no other."""
        return self.name or self.id


class Office(Strict):
    """发文机关：本级改革办，写在督办通报、催办通知的发文机关标志和落款上；未写的就不出现"""

    name: str = Field(description="发文机关全称，如 江西省科学技术协会深化改革工作领导小组办公室")
    short: str | None = Field(None, description="落款用的简称或署名，如 省科协改革办；不填则用全称")
    contact: str | None = Field(None, description="改革办联系人")
    phone: str | None = Field(None, description="联系电话")
    recipients: list[str] | None = Field(None, description="默认主送单位，如 [机关各部门, 各直属单位]")


class TaskGroup(Strict):
    """重点任务中的一组，如（一）深化组织体系改革"""

    id: str = Field(description='组号，如 "1"（加引号）', json_schema_extra=ID_SCHEMA)
    title: str


class Section(Strict):
    """基本原则或组织保障中的一条"""

    id: str
    title: str
    text: str


class Record(Strict):
    """一条进展记录：状态变化 {date, from, status, note}，或期限调整 {date, from_due, due, note}"""

    # check() holds the same rule, with a located message; this lets editors say it too.
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": [key]} for key in RECORD_CHANGES]})

    date: Date
    # strict=False on each status and level: the word as the file writes it, not only the enum.
    from_: Status | None = Field(None, alias="from", description="之前的状态（reformctl undo 据此恢复）", strict=False)
    status: Status | None = Field(None, description="新状态", strict=False)
    from_due: Date | None = Field(None, description="调整前的期限")
    due: Date | None = Field(None, description="调整后的期限")
    note: str | None = Field(None, description="说明或原因")
    by: str | None = Field(None, description="填报者：由填报表导入时，为填报的部门或单位")
    links: list[str] | None = Field(None, description="证明材料：http/https 网址，或相对仓库的文件路径")
    reminded: str | None = Field(None, description="催办：被催办的部门（remind --mail 记下的留痕）")
    to: str | None = Field(None, description="催办通知发往的电子邮箱")
    reply_by: Date | None = Field(None, description="催办要求的回复期限")
    from_owner: str | None = Field(None, description="之前的责任人")
    owner: str | None = Field(None, description="新的责任人")
    from_contact: str | None = Field(None, description="之前的联系方式")
    contact: str | None = Field(None, description="新的联系方式")
    from_participants: DeptRefs | None = Field(None, description="之前的参与部门")
    participants: DeptRefs | None = Field(None, description="新的参与部门")


class Item(Strict):
    """任务下的一个编号事项"""

    id: str = Field(description='任务编号.序号，如 "6.2"（加引号）', json_schema_extra=ID_SCHEMA)
    text: str
    status: Status = Field(description=STATUS_HELP, strict=False)
    due: Date | None = Field(None, description="完成期限")
    deadline: str | None = Field(None, description="完成时限，照通知原文，如 2022年6月底、长期坚持")
    lead: DeptRefs | None = Field(None, description="牵头部门，不填则同任务")
    participants: DeptRefs | None = Field(None, description="参与部门")
    owner: str | None = Field(None, description="责任人")
    contact: str | None = Field(None, description="责任人的联系方式：电话或电子邮箱")
    history: list[Record] | None = Field(None, description="进展记录，按时间先后")
    implements: list[str] | None = Field(None, description="落实上级计划的哪些事项（编号）")


class Task(Strict):
    """一项重点任务；有编号事项的任务不单独记录状态，进度由事项汇总"""

    # check() holds the same rules, with located messages; this lets editors say them too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["items"]},
            "then": {
                "properties": {"items": {"minItems": 1}},
                "not": {"anyOf": [{"required": [key]} for key in ROW_ONLY]},
            },
            "else": {"required": ["text", "status"]},
        }
    )

    id: str = Field(description='任务编号，如 "6"（加引号）', json_schema_extra=ID_SCHEMA)
    title: str
    group: str | None = Field(None, description="所属分组的组号（见 groups）")
    lead: DeptRefs = Field(description="牵头部门，按文件顺序")
    text: str | None = Field(None, description="没有编号事项时的任务内容")
    items: list[Item] | None = None
    status: Status | None = Field(None, description=STATUS_HELP + "（仅限没有编号事项的任务）", strict=False)
    due: Date | None = Field(None, description="完成期限（仅限没有编号事项的任务）")
    deadline: str | None = Field(None, description="完成时限，照通知原文（仅限没有编号事项的任务）")
    participants: DeptRefs | None = Field(None, description="参与部门")
    owner: str | None = Field(None, description="责任人（仅限没有编号事项的任务）")
    contact: str | None = Field(None, description="责任人的联系方式（仅限没有编号事项的任务）")
    history: list[Record] | None = Field(None, description="进展记录（仅限没有编号事项的任务）")
    implements: list[str] | None = Field(None, description="落实上级计划的哪些事项（仅限没有编号事项的任务）")


class Unit(Strict):
    """单位计划：本单位，以及它落实的上级计划"""

    name: str = Field(description="单位全称，如 北京市朝阳区科协")
    level: Level = Field(strict=False)
    parent: str | None = Field(None, description="上级计划文件的路径，相对于本文件")


class Plan(Strict):
    """改革重点任务计划"""

    version: Literal[1]
    unit: Unit | None = None
    document: Document
    office: Office | None = Field(None, description="本级改革办（督办通报、催办通知的发文机关）")
    departments: list[Department]
    partners: list[str] = Field([], description="配合的外单位，不是本单位的部门，如 各设区市科协、省卫健委")
    preamble: str | None = None
    requirements: str | None = Field(None, description="总体要求")
    goals: str | None = Field(None, description="主要目标")
    principles: list[Section] = Field([], description="基本原则")  # not default_factory=list: inspecting it costs ms
    groups: list[TaskGroup] = Field([], description="任务分组（文件把重点任务分为几组时）")
    tasks: list[Task]
    tasks_note: str | None = None
    safeguards: list[Section] = Field([], description="组织保障")

    @cached_property
    def _dept_ids(self) -> dict[str, str]:
        # Looked up for every row: a dict in the instance, not a search (nor a private attribute).
        return {key: d.id for d in reversed(self.departments) for key in (d.name, d.id) if key}

    def dept_id(self, name: str) -> str | None:
        """The short id for a department given by id or full name."""
        return self._dept_ids.get(name)

    def dept_ids(self, names: list[str]) -> list[str]:
        """Departments as the file names them (id or full name) -> their short ids; an unknown
        name (a problem check() reports) stays as it is written."""
        return [self._dept_ids.get(name, name) for name in names]


def check(plan: Plan) -> Iterator[tuple[Loc, str]]:
    """The rules that span values: unique ids, ids under their task, known departments."""
    yield from _unique(plan.departments, "departments", "id", "部门简称")
    yield from _unique(plan.departments, "departments", "name", "部门全称")
    yield from _unique(plan.principles, "principles", "id", "原则编号")
    yield from _unique(plan.safeguards, "safeguards", "id", "保障编号")
    yield from _unique(plan.tasks, "tasks", "id", "任务编号")
    yield from _unique(plan.groups, "groups", "id", "分组编号")
    groups = {g.id for g in plan.groups}
    if plan.unit is not None and not plan.unit.name.strip():
        yield ("unit", "name"), "单位名称不能为空"
    known = "、".join(d.id for d in plan.departments)
    seen_items: dict[str, Loc] = {}
    for t, task in enumerate(plan.tasks):
        here: Loc = ("tasks", t)
        if not ID.fullmatch(task.id):
            yield (*here, "id"), _bad_id(task.id)
        if task.group is not None and task.group not in groups:
            yield (*here, "group"), f"分组 '{task.group}' 不在{key_said('groups')}中（有：{'、'.join(groups) or '无'}）"
        yield from _depts(plan, task, here, known)
        yield from _records(task, here)
        yield from _implements(plan, task, here)
        if task.items is None:
            missing = [key for key in ("text", "status") if getattr(task, key) is None]
            if missing:
                yield here, f"任务 {task.id} 没有编号事项（items），需填写{'和'.join(map(key_said, missing))}"
            continue
        if not task.items:
            yield (
                (*here, "items"),
                "编号事项（items）为空：没有编号事项的任务请删去 items，填写内容（text）和状态（status）",
            )
        for key in ROW_ONLY:
            if getattr(task, key) is not None:
                yield (*here, key), f"任务 {task.id} 有编号事项，{key_said(key)}应填在各事项上（任务进度由事项汇总）"
        for i, item in enumerate(task.items):
            at: Loc = (*here, "items", i)
            if not ID.fullmatch(item.id):
                yield (*at, "id"), _bad_id(item.id)
            elif not item.id.startswith(task.id + ".") or item.id == task.id + ".":
                yield (*at, "id"), f"事项编号 '{item.id}' 应以所属任务编号开头，如 \"{task.id}.{i + 1}\""
            elif item.id in seen_items:
                yield (*at, "id"), f"事项编号 '{item.id}' 重复"
            seen_items[item.id] = at
            yield from _depts(plan, item, at, known)
            yield from _records(item, at)
            yield from _implements(plan, item, at)


def _unique(rows: list[Any], where: str, key: str, what: str) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for n, row in enumerate(rows):
        value = getattr(row, key)
        if value is None:
            continue
        if value in seen:
            yield (where, n, key), f"{what} '{value}' 重复"
        seen.add(value)


def _bad_id(ident: str) -> str:
    return f'编号 {ident!r} 应只用半角数字和点，不含空格，如 "6.2"'


def _implements(plan: Plan, tracked: Task | Item, at: Loc) -> Iterator[tuple[Loc, str]]:
    # Whether the ids exist is checked against the parent file (checks.Checker).
    if tracked.implements is not None and (plan.unit is None or plan.unit.parent is None):
        yield (
            (*at, "implements"),
            "落实的上级事项（implements）是上级计划的事项：请在单位（unit）中写明上级计划（parent）",
        )
    for n, ident in enumerate(tracked.implements or []):
        if not ID.fullmatch(ident):
            yield (*at, "implements", n), _bad_id(ident)


def _records(tracked: Task | Item, at: Loc) -> Iterator[tuple[Loc, str]]:
    for n, record in enumerate(tracked.history or []):
        if all(getattr(record, key) is None for key in RECORD_CHANGES):
            yield (*at, "history", n), "进展记录需写明新状态（status）、调整后的期限（due），或新的责任人（owner）等"
    if tracked.contact is not None and not CONTACT.fullmatch(tracked.contact):
        yield (*at, "contact"), f"联系方式 {tracked.contact!r} 应为电话号码或电子邮箱"
    if tracked.status == NOT_APPLICABLE and na_reason(tracked) is None:
        yield (*at, "status"), "不适用（na）需写明理由：在历史记录（history）中加一条 {date, status: na, note: 理由}"


def na_reason(tracked: Task | Item) -> str | None:
    """Why a row does not apply: the note of the latest record that set it to na."""
    found = [r.note for r in tracked.history or [] if r.status == NOT_APPLICABLE and r.note]
    return found[-1] if found else None


def _depts(plan: Plan, tracked: Task | Item, at: Loc, known: str) -> Iterator[tuple[Loc, str]]:
    for key in ("lead", "participants"):
        for n, name in enumerate(getattr(tracked, key) or []):
            if plan.dept_id(name) is None and not (key == "participants" and name in plan.partners):
                yield (*at, key, n), f"'{name}' 不是已登记的部门（部门表 departments 中有：{known}）"
