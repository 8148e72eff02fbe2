"""Who answers for an item: owners, contacts and participants, recorded like any change."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA, WROTE, ok, run

from reformctl import loader, query


def rows(plan_file: Path) -> dict[str, query.Row]:
    return {row.id: row for row in query.rows(loader.load(plan_file))}


def test_assign_is_a_record_with_a_one_item_diff(plan_file: Path):
    said = ok("assign", "6.2", "--owner", "王小明", "--contact", "010-12345678", "--participants", "科普部，学会部",
              "--date", "2020-09-01", "--note", "分工")  # fmt: skip
    assert (
        said == "已记录 6.2：责任人 未设定 → 王小明；联系方式 未设定 → 010-12345678；"
        f"参与部门 未设定 → 科普部、学会部{WROTE}\n"
    )
    text = plan_file.read_text(encoding="utf-8")
    block = text[text.index('      - id: "6.2"') : text.index('  - id: "7"')]
    assert "        owner: 王小明\n        contact: 010-12345678\n        participants: [科普部, 学会部]\n" in block
    before = DATA.read_text(encoding="utf-8")
    assert text.replace(block, "") == before.replace(
        before[before.index('      - id: "6.2"') : before.index('  - id: "7"')], ""
    )
    row = rows(plan_file)["6.2"]
    assert (row.owner, row.contact, row.participants(loader.load(plan_file))) == (
        "王小明",
        "010-12345678",
        ["科普部", "学会部"],
    )
    assert "责任人：王小明（010-12345678）" in ok("show", "6.2")
    assert ok("assign", "6.2", "--owner", "王小明") == f"{Path('data/tasks-2020.yaml')} 中 6.2 已是如此，未作修改\n"


def test_history_as_of_and_undo_know_assignments(plan_file: Path):
    ok("assign", "6.2", "--owner", "王小明", "--date", "2020-09-01")
    ok("assign", "6.2", "--owner", "李华", "--date", "2020-10-01", "--note", "工作调整")
    log = ok("log", "6.2")
    assert "责任人 王小明 → 李华" in log and "责任人 未设定 → 王小明" in log
    assert json.loads(ok("log", "6.2", "--format", "json"))[0]["owner"] == "李华"
    assert "责任人：王小明" in ok("show", "6.2", "--as-of", "2020-09-15")
    assert "责任人" not in ok("show", "6.2", "--as-of", "2020-08-31")
    assert ok("undo", "6.2") == f"已撤销 6.2：责任人 李华 → 王小明{WROTE}\n"
    ok("undo", "6.2")
    assert plan_file.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8")


def test_list_and_log_by_owner_department_status_task(plan_file: Path):
    ok("assign", "6.2", "--owner", "王小明", "--date", "2020-09-01")
    ok("assign", "9.1", "--owner", "王小明", "--date", "2020-09-01")
    ok("status", "set", "9.1", "doing", "--date", "2020-09-02")
    ok("status", "set", "2", "doing", "--date", "2020-09-03")
    assert [r["id"] for r in json.loads(ok("list", "--owner", "王小明", "--format", "json"))] == ["6.2", "9.1"]
    ids = lambda *args: [r["id"] for r in json.loads(ok("log", "--format", "json", *args))]  # noqa: E731
    assert ids("--owner", "王小明") == ["9.1", "6.2", "9.1"]  # newest first; same day: document order
    assert ids("--dept", "组人部") == ["2", "6.2"]  # 6.2 is led by 学会部、办公厅、组人部
    assert ids("--status", "推进中") == ["2", "9.1", "9.1"]
    assert ids("--task", "9") == ["9.1", "9.1"]
    assert ids("--dept", "学会部", "--since", "2020-09-02") == ["9.1"]


def test_bad_assignments_are_refused(plan_file: Path):
    before = plan_file.read_bytes()
    for args, words in (
        ([], "请至少给出 --owner、--contact 或 --participants 之一"),
        (["--contact", "王小明"], "应为电话号码或电子邮箱"),
        (["--participants", "宣传处"], "未知部门 '宣传处'"),
        (["--owner", "甲", "--date", "2999-01-01"], "晚于今天"),
    ):
        result = run("assign", "6.2", *args)
        assert result.exit_code == 2 and words in result.stderr, (args, result.stderr)
    assert plan_file.read_bytes() == before
    text = plan_file.read_text(encoding="utf-8").replace(
        "        status: todo\n", "        contact: 找小王\n        status: todo\n", 1
    )
    plan_file.write_text(text, encoding="utf-8")
    assert "联系方式 '找小王' 应为电话号码或电子邮箱" in run("validate").stderr


def test_owners_in_the_ledger_the_form_and_the_report(plan_file: Path, tmp_path: Path):
    from openpyxl import load_workbook

    ok("assign", "9.1", "--owner", "王小明", "--date", "2020-08-01")
    ok("due", "set", "9.1", "2020-09-10", "--date", "2020-08-01")
    ledger = {r["id"]: r for r in json.loads(ok("export", "--format", "json"))}
    assert ledger["9.1"]["owner"] == "王小明"
    ok("form", "--dept", "学会部", "-o", "f.xlsx")
    sheet = load_workbook(tmp_path / "f.xlsx")["学会部"]
    assert next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "9.1")[4].value == "王小明"
    assert "| 9.1 |" in (report := ok("report", "--until", "2020-09-30")) and "| 学会部 | 王小明 | 未启动 |" in report


def test_changing_a_value_quotes_it_as_writing_it_first_does(plan_file: Path):
    """Each owner YAML would misread is quoted, whatever the value before it was and how it was written."""
    owners = ["ok", "[x]", '"q": v #c', "-2", "@a", "*a", "it's", "'单引号'", "ok", "王 小明"]
    for owner in owners:
        assert WROTE in ok("assign", "6.2", "--owner", owner, "--date", "2020-09-01"), owner
        assert rows(plan_file)["6.2"].owner == owner
    history = rows(plan_file)["6.2"].history
    assert [(r.from_owner, r.owner) for r in history] == list(zip([None, *owners[:-1]], owners, strict=True))


def test_no_message_forges_a_line_from_what_was_typed(plan_file: Path):
    forged = '王\n- id: "99"'
    said = run("assign", "6.2", "--owner", forged, "--date", "2020-09-01")
    assert said.exit_code == 0 and said.stdout == '已记录 6.2：责任人 未设定 → 王\\n- id: "99"' + WROTE + "\n"
    assert rows(plan_file)["6.2"].owner == forged  # the data keeps the text as typed
    wrong = run("status", "set", "6.2\n伪造\r", "done")
    assert wrong.exit_code == 2 and wrong.stderr.count("\n") == 1 and "'6.2\\n伪造'" in wrong.stderr


def test_the_json_of_list_and_show_carries_owner_and_contact(plan_file: Path):
    ok("assign", "6.2", "--owner", "王小明", "--contact", "010-12345678", "--date", "2020-09-01")
    (listed,) = json.loads(ok("list", "--owner", "王小明", "--format", "json"))
    assert (listed["id"], listed["owner"], listed["contact"]) == ("6.2", "王小明", "010-12345678")
    shown = json.loads(ok("show", "6.2", "--format", "json"))
    assert (shown["owner"], shown["contact"], shown["history"][0]["owner"]) == ("王小明", "010-12345678", "王小明")
    task = json.loads(ok("show", "6", "--format", "json"))
    assert [row["owner"] for row in task["items"]] == [None, "王小明"] and (task["done"], task["total"]) == (0, 2)
