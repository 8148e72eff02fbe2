"""Every kind of broken plan gets one located, readable problem: file:line:col: message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, run

from reformctl import loader
from reformctl.errors import PlanInvalid

# name -> (line, column, words the message must contain)
INVALID = {
    "unknown-key": (17, 9, "tasks[0].items[0].statu: 未知的键 'statu'，是不是 status？"),
    "unquoted-id": (14, 13, '1.10 被 YAML 读成了数字 1.1：请加引号，写作 "1.10"'),
    "bad-status": (16, 17, "tasks[0].items[0].status: 'finished' 不是有效状态，可选：todo（未启动）"),
    "boolean-status": (16, 17, "no 被 YAML 读成了布尔值 False，不是有效状态"),
    "id-not-under-task": (17, 13, "事项编号 '2.2' 应以所属任务编号开头"),
    "full-width-id": (17, 13, "tasks[0].items[1].id: 编号 '１.2' 应只用半角数字和点"),
    "duplicate-id": (17, 13, "事项编号 '1.1' 重复"),
    "unknown-dept": (12, 17, "tasks[0].lead[1]: '宣传部' 不是已登记的部门"),
    "items-and-status": (13, 13, "tasks[0].status: 任务 1 有编号事项，状态（status）应填在各事项上"),
    "impossible-date": (20, 14, "tasks[0].items[1].due: 2020-02-30 不是存在的日期"),
    "not-a-date": (20, 14, "应为日期 YYYY-MM-DD，实际是 '年底'"),
    "duplicate-key": (20, 9, "重复的键 'status'"),
    "missing-title": (25, 5, "tasks[1].title: 缺少标题（title）"),
    "missing-text-and-status": (25, 5, "需填写内容（text）和状态（status）"),
    "syntax-error": (28, 9, "YAML 语法错误（从第 27 行第 11 列开始）"),
    "python-tag": (28, 11, "不支持的 YAML 标签 !!python/object/apply:os.system"),
    "alias": (27, 11, "不支持 YAML 锚点与别名"),
    "wrong-version": (1, 10, "不支持的格式版本（version）2"),
    "duplicate-dept": (9, 10, "departments[2].id: 部门简称 '学会部' 重复"),
    "record-without-change": (
        24,
        13,
        "tasks[0].items[1].history[0]: 进展记录需写明新状态（status）、调整后的期限（due），或新的责任人（owner）等",
    ),
    "empty-items": (33, 12, "tasks[2].items: 编号事项（items）为空"),
}


pytestmark = pytest.mark.usefixtures("yaml_parser")


def problems(path: Path) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        loader.load(path)
    return [str(p) for p in caught.value.problems]


def test_the_invalid_examples_are_all_listed():
    assert {p.stem for p in (EXAMPLES / "invalid").glob("*.yaml")} == set(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_example_is_located(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(EXAMPLES)
    line, col, words = INVALID[name]
    (found,) = problems(Path("invalid") / f"{name}.yaml")
    assert found.startswith(f"invalid/{name}.yaml:{line}:{col}: "), found
    assert words in found


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.yaml")) + [DATA], ids=lambda p: p.name)
def test_valid_examples(path: Path):
    assert loader.load(path).tasks


def test_gb18030_file_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes(DATA.read_text(encoding="utf-8").encode("gb18030"))
    (found,) = problems(bad)
    assert found.startswith("gbk.yaml:2:7: 文件不是 UTF-8 编码"), found
    assert "GBK/GB18030" in found


def test_bom_and_crlf_are_fine(tmp_path: Path):
    text = DATA.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(loader.load(path).tasks) == 12


def test_error_line_in_the_real_plan(tmp_path: Path):
    text = DATA.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index('      - id: "6.2"') + 3  # 1-based line of 6.2's status
    assert lines[at - 1] == "        status: todo"
    path = tmp_path / "plan.yaml"
    path.write_text("\n".join(lines[: at - 1] + ["        status: finished"] + lines[at:]) + "\n", encoding="utf-8")
    (found,) = problems(path)
    assert found.startswith(f"plan.yaml:{at}:17: tasks[5].items[1].status: 'finished' 不是有效状态"), found


def test_every_yaml_level_problem_at_once(tmp_path: Path):
    path = tmp_path / "many.yaml"
    path.write_text("a: 1\na: 2\nb: !!python/name:os.system x\nc: &x [1]\nd: *x\ne: *x\n", encoding="utf-8")
    found = problems(path)
    assert [p.split(": ", 1)[0] for p in found] == ["many.yaml:2:1", "many.yaml:3:4", "many.yaml:5:4", "many.yaml:6:4"]
    assert "重复的键 'a'" in found[0] and "!!python/name:os.system" in found[1]
    assert "锚点与别名" in found[2] and "锚点与别名" in found[3]


def test_all_problems_of_a_file_at_once(tmp_path: Path):
    text = (EXAMPLES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "two.yaml"
    path.write_text(text.replace("status: todo", "status: finished").replace("text: 任务内容", "text: 1"), "utf-8")
    found = problems(path)
    assert len(found) == 2
    assert ":16:17: " in found[0] and ":28:11: tasks[1].text: 内容（text）应为文字" in found[1]


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        (b"", "1:1", "文件是空的"),
        (b"- a\n- b\n", "1:1", "应为键值映射"),
        (b"[" * 100 + b"]" * 100, "1:66", "嵌套超过 64 层"),
        (b"a: &x [1]\nb: *x\n", "2:4", "不支持 YAML 锚点与别名"),
        (b"version: 1\n? [a]\n: b\n", "2:3", "键应为文字"),
    ],
    ids=["empty", "list", "deep", "alias", "complex-key"],
)
def test_odd_files(tmp_path: Path, content: bytes, where: str, words: str):
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    (found,) = problems(path)
    assert found.startswith(f"odd.yaml:{where}: ") and words in found, found


def test_unreadable_path_is_a_clear_error(tmp_path: Path):
    result = run("validate", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert "missing.yaml: 无法读取" in result.stderr
