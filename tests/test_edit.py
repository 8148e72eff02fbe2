"""The write path changes only the item's status and history, byte for byte, on every layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reformctl import edit, loader

DAY = dt.date(2020, 9, 1)
HEAD = """\
version: 1
document: {title: 示例, number: 示例〔2020〕1号, issuer: 示例办公厅}
departments:
  - {id: 学会部, name: 学会学术部}
tasks:
  - id: "1"
    title: 任务一
    lead: [学会部]
    items:
"""
TAIL = """\
  - id: "2"
    title: 任务二
    lead: [学会部]
    text: 内容
    status: todo
"""


pytestmark = pytest.mark.usefixtures("yaml_parser")


def write(tmp_path: Path, text: str, raw: bytes | None = None) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    return path


def set_status(tmp_path: Path, text: str, ident: str = "1.1", status: str = "done", note: str | None = None) -> str:
    path = write(tmp_path, text)
    edit.set_status(path, ident, status, DAY, note)
    return path.read_text(encoding="utf-8")


ITEM = '      - id: "1.1"\n        text: 事项\n'
CASES = {
    "block, no history": (
        '      - id: "1.1"\n        text: 事项\n        status: todo\n',
        '      - id: "1.1"\n        text: 事项\n        status: done\n        history:\n'
        "          - {date: 2020-09-01, from: todo, status: done}\n",
    ),
    "comments inside, trailing and after": (
        '      - id: "1.1"\n        # 说明\n        text: 事项  # 原文\n        status: todo  # 待定\n'
        "        # 下一项之前的注释\n\n",
        '      - id: "1.1"\n        # 说明\n        text: 事项  # 原文\n        status: done  # 待定\n'
        "        history:\n          - {date: 2020-09-01, from: todo, status: done}\n        # 下一项之前的注释\n\n",
    ),
    "quoted status and keys after it": (
        "      - id: \"1.1\"\n        status: 'todo'\n        text: 事项\n        participants:\n          - 学会部\n",
        "      - id: \"1.1\"\n        status: 'done'\n        text: 事项\n        participants:\n          - 学会部\n"
        "        history:\n          - {date: 2020-09-01, from: todo, status: done}\n",
    ),
    "flow item": (
        '      - {id: "1.1", text: 事项, status: todo}\n',
        '      - {id: "1.1", text: 事项, status: done, history: [{date: 2020-09-01, from: todo, status: done}]}\n',
    ),
    "existing block history of flow records": (
        '      - id: "1.1"\n        text: 事项\n        status: doing\n        history:\n'
        "          - {date: 2020-08-01, status: doing}\n",
        '      - id: "1.1"\n        text: 事项\n        status: done\n        history:\n'
        "          - {date: 2020-08-01, status: doing}\n          - {date: 2020-09-01, from: doing, status: done}\n",
    ),
    "existing indentless history of block records": (
        '      - id: "1.1"\n        text: 事项\n        status: doing\n        history:\n'
        "        - date: 2020-08-01\n          status: doing\n          note: 启动\n",
        '      - id: "1.1"\n        text: 事项\n        status: done\n        history:\n'
        "        - date: 2020-08-01\n          status: doing\n          note: 启动\n"
        "        - date: 2020-09-01\n          from: doing\n          status: done\n",
    ),
    "existing flow history": (
        ITEM + "        status: doing\n        history: [{date: 2020-08-01, status: doing}]\n",
        ITEM + "        status: done\n        history: [{date: 2020-08-01, status: doing}, "
        "{date: 2020-09-01, from: doing, status: done}]\n",
    ),
    "empty flow history": (
        ITEM + "        status: todo\n        history: []\n",
        ITEM + "        status: done\n        history: [{date: 2020-09-01, from: todo, status: done}]\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_layouts_byte_exact(tmp_path: Path, case: str):
    before, after = CASES[case]
    assert set_status(tmp_path, HEAD + before + TAIL) == HEAD + after + TAIL


# Undoing the only record removes the history key, so a hand-written `history: []` does not come back.
@pytest.mark.parametrize("case", [case for case in CASES if case != "empty flow history"])
def test_undo_restores_the_bytes(tmp_path: Path, case: str):
    before, _ = CASES[case]
    path = write(tmp_path, HEAD + before + TAIL)
    edit.set_status(path, "1.1", "done", DAY, "说明")
    edit.undo(path, "1.1")
    assert path.read_text(encoding="utf-8") == HEAD + before + TAIL


def test_task_without_items_at_end_of_file_without_newline(tmp_path: Path):
    text = HEAD + '      - id: "1.1"\n        text: 事项\n        status: todo\n' + TAIL.rstrip("\n")
    after = set_status(tmp_path, text, ident="2", status="doing")
    expected = text.removesuffix("status: todo") + "status: doing\n    history:\n"
    assert after == expected + "      - {date: 2020-09-01, from: todo, status: doing}\n"


def test_crlf_and_bom_survive(tmp_path: Path):
    text = (HEAD + '      - id: "1.1"\n        text: 事项\n        status: todo\n' + TAIL).replace("\n", "\r\n")
    path = write(tmp_path, text, raw=b"\xef\xbb\xbf" + text.encode("utf-8"))
    edit.set_status(path, "1.1", "blocked", DAY, None)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    expected = text.replace(
        "status: todo\r\n  - id",
        "status: blocked\r\n        history:\r\n          - {date: 2020-09-01, from: todo, status: blocked}\r\n  - id",
        1,
    )
    assert raw[3:].decode("utf-8") == expected


@pytest.mark.parametrize(
    ("note", "written"),
    [
        ("试点城市已签约", "note: 试点城市已签约"),
        ("签约, 见附件", 'note: "签约, 见附件"'),
        ("yes", 'note: "yes"'),
        ("2020-10-01", 'note: "2020-10-01"'),
        ("# 不是注释", 'note: "# 不是注释"'),
        ("多行\n说明", 'note: "多行\\n说明"'),
    ],
)
def test_notes_are_quoted_only_when_needed(tmp_path: Path, note: str, written: str):
    path = write(tmp_path, HEAD + '      - id: "1.1"\n        text: 事项\n        status: todo\n' + TAIL)
    edit.set_status(path, "1.1", "done", DAY, note)
    assert written + "}" in path.read_text(encoding="utf-8")
    assert loader.load(path).tasks[0].items[0].history[0].note == note  # type: ignore[index]


def test_real_plan_diff_is_inside_the_item(tmp_path: Path):
    from conftest import DATA

    original = DATA.read_text(encoding="utf-8")
    path = write(tmp_path, original)
    edit.set_status(path, "6.2", "done", DAY, "试点城市已签约")
    old, new = original.splitlines(), path.read_text(encoding="utf-8").splitlines()
    at = old.index("        status: todo", old.index('      - id: "6.2"'))
    assert new[:at] == old[:at] and new[at + 3 :] == old[at + 1 :]
    assert new[at : at + 3] == [
        "        status: done",
        "        history:",
        "          - {date: 2020-09-01, from: todo, status: done, note: 试点城市已签约}",
    ]


def test_same_status_without_note_changes_nothing(tmp_path: Path):
    path = write(tmp_path, HEAD + '      - id: "1.1"\n        text: 事项\n        status: todo\n' + TAIL)
    before = path.read_bytes()
    assert edit.set_status(path, "1.1", "todo", DAY, None) is None
    assert path.read_bytes() == before


def test_exotic_layout_is_refused_not_reformatted(tmp_path: Path):
    text = HEAD + '      - id: "1.1"\n        text: 事项\n        status: >-\n          todo\n' + TAIL
    path = write(tmp_path, text)
    with pytest.raises(edit.Refused, match="无法精确修改"):
        edit.set_status(path, "1.1", "done", DAY, None)
    assert path.read_text(encoding="utf-8") == text
