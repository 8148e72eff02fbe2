from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run
from rich.cells import cell_len

XUEHUI = ["6.1", "6.2", "9.1", "9.2", "9.3", "9.4", "10.1", "10.2", "10.3", "10.4", "10.5", "10.6"]


def ids(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_table_of_what_xuehuibu_leads(plan_file: Path):
    result = run("list", "--dept", "学会部")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "编号" in lines[1] and "牵头部门" in lines[1] and "状态" in lines[1]
    body = [line for line in lines if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in body] == XUEHUI
    assert "学会部、办公厅、组人部" in body[0] and "未启动" in body[0]
    assert lines[-1] == "共 12 项"
    # Chinese text is cut to fit and every row lines up at the same width.
    assert {cell_len(line) for line in lines[:-1]} == {120} and "…" in body[0]


def test_all_37_rows_in_document_order(plan_file: Path):
    found = ids(run("list", "--format", "json"))
    assert len(found) == 37 and found[:4] == ["1.1", "1.2", "2", "3.1"] and found[-1] == "12.3"


@pytest.mark.parametrize("dept", ["学会部", "学会学术部"])
def test_dept_by_short_or_full_name(plan_file: Path, dept: str):
    assert ids(run("list", "--dept", dept, "--format", "json")) == XUEHUI


def test_json_is_a_stable_interface(plan_file: Path):
    result = run("list", "--task", "2", "--format", "json")
    (row,) = json.loads(result.stdout)
    assert row == {
        "id": "2",
        "task": "2",
        "title": "加强网上科技工作者之家建设",
        "text": row["text"],
        "lead": ["组人部"],
        "participants": [],
        "status": "todo",
        "reason": None,
        "due": None,
        "deadline": None,
        "light": None,
        "owner": None,
        "contact": None,
    }
    assert row["text"].startswith("贯彻落实习近平总书记关于加强网上群团工作能力建设")


def test_filters(plan_file: Path):
    assert ids(run("list", "--task", "6", "--format", "json")) == ["6.1", "6.2"]
    assert ids(run("list", "--task", "12", "--dept", "计划财务部", "--format", "json")) == ["12.1", "12.2", "12.3"]
    assert ids(run("list", "--search", "科创中国", "--format", "json")) == ["2", "6.1", "6.2"]
    assert ids(run("list", "--status", "未启动", "--dept", "国际部", "--format", "json")) == ["7.1", "7.2"]
    assert ids(run("list", "--status", "done", "--format", "json")) == []


def test_status_filter_reads_the_file(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('id: "7.2"')
    plan_file.write_text(text[:at] + text[at:].replace("status: todo", "status: doing", 1), encoding="utf-8")
    assert ids(run("list", "--status", "doing", "--format", "json")) == ["7.2"]
    assert ids(run("list", "--status", "推进中", "--format", "json")) == ["7.2"]


def test_csv_and_markdown(plan_file: Path):
    text = run("list", "--dept", "国际部", "--format", "csv").stdout
    assert text.startswith("\ufeff编号,内容,牵头部门,状态,期限,提示\n")  # CliRunner folds the CRLF
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert (
        [r["编号"] for r in rows] == ["7.1", "7.2"] and rows[0]["牵头部门"] == "国际部" and rows[0]["状态"] == "未启动"
    )
    assert not run("list", "--format", "csv", "--no-bom").stdout.startswith("\ufeff")
    md = run("list", "--task", "8", "--format", "md").stdout.splitlines()
    assert md[0] == "| 编号 | 内容 | 牵头部门 | 状态 | 期限 | 提示 |"
    assert md[2].startswith("| 8.1 | 完善组织动员科技组织") and md[2].endswith("| 计财部 | 未启动 |  |  |")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--dept", "学会"], "未知部门 '学会'。是不是 学会部、学会学术部？已登记的部门：调宣部（调研宣传部）"),
        (["--status", "finished"], "未知状态 'finished'。可选：todo（未启动）"),
        (["--task", "13"], "没有编号为 '13' 的任务或事项"),
    ],
)
def test_unknown_values_are_usage_errors(plan_file: Path, args: list[str], words: str):
    result = run("list", *args)
    assert result.exit_code == 2
    assert words in result.stderr and result.stdout == ""


def test_bad_format_is_a_usage_error(plan_file: Path):
    result = run("list", "--format", "xml")
    assert result.exit_code == 2 and "xml" in result.output
