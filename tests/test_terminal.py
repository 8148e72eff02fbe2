"""The terminal at 80 columns (issue 21): ids and ASCII words (10.2, done, docs/签约.pdf) are
never cut across lines, and no line is wider than the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ok, run
from rich.cells import cell_len

PDF = "docs/签约.pdf"
PAD = "甲乙丙丁戊己庚辛壬癸"  # CJK before the path, of every length, so that some line ends near it


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def noted(plan_file: Path, tmp_path: Path, narrow: None) -> int:
    """Records on 10.2 whose notes end, at every offset, in the evidence's path."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "签约.pdf").write_bytes(b"%PDF")
    for n in range(12):
        status = ("doing", "todo")[n % 2]
        note = "试点城市已签约，" + (PAD * 3)[: n + 20]
        ok("status", "set", "10.2", status, "--date", "2020-09-01", "--note", note, "--link", PDF)
    return 12


def fits(out: str, width: int = 80) -> None:
    wide = [line for line in out.splitlines() if cell_len(line) > width]
    assert not wide, wide


def test_log_keeps_ids_and_paths_whole(noted: int):
    out = ok("log")
    fits(out)
    assert out.count(PDF) == noted  # every path whole on one line, not folded at 签 or .pdf
    assert out.count(" 10.2 ") == noted


def test_summary_keeps_titles_whole(plan_file: Path, narrow: None):
    text = plan_file.read_text(encoding="utf-8")
    longer = "深化全国学会治理改革，落实 docs/签约.pdf 与 10.2 的要求"
    plan_file.write_text(text.replace("深化全国学会治理改革", longer), encoding="utf-8")
    out = ok("summary")
    fits(out)
    assert PDF in out and "10.2" in out


def test_depts_fit(plan_file: Path, narrow: None):
    fits(ok("depts"))


def test_show_keeps_paths_whole(plan_file: Path, narrow: None):
    text = plan_file.read_text(encoding="utf-8")
    for n in range(1, 4):
        text = text.replace(f'id: "6.{n}"\n        text: ', f'id: "6.{n}"\n        text: {PAD[: n + 4]}{PDF}', 1)
    plan_file.write_text(text, encoding="utf-8")
    out = ok("show", "6")
    fits(out)
    assert out.count(PDF) == 2  # task 6 has two items


UNITS = [
    f"杭州市{name}区科学技术协会" for name in "西湖 余杭 上城 拱墅 滨江 萧山 临平 钱塘 富阳 临安 桐庐 淳安".split()
]


@pytest.fixture
def units(tmp_path: Path, narrow: None) -> list[str]:
    """A national plan and a dozen 市级 unit plans with long names, some late, one not applying."""
    ok("init")
    ok("due", "set", "6.2", "2020-10-01")
    for n, name in enumerate(UNITS):
        path = f"plans/u{n}/tasks-2020.yaml"
        ok("init", "--unit", name, "--level", "市级", "-o", path)
        if n % 3 == 1:
            ok("status", "set", "6.2", "done", "-f", path, "--date", "2020-09-01")
    reason = "本区尚未设立科技服务团，相关工作由杭州市科协统一承担，见 docs/说明.pdf 与 10.2 的安排"
    ok("status", "set", "6.2", "na", "-f", "plans/u0/tasks-2020.yaml", "--date", "2020-09-01", "--note", reason)
    return UNITS


def test_rollup_by_task_fits_80_columns(units: list[str]):
    out = ok("rollup", "plans", "--by", "task", "--as-of", "2020-10-05")
    fits(out)
    assert all(f"{name}\n" in out for name in units)  # each unit heads its own list, whole
    assert "任务10：" in out and "任务1：" in out


def test_rollup_item_fits_80_columns(units: list[str]):
    out = ok("rollup", "plans", "--item", "6.2", "--as-of", "2020-10-05")
    fits(out)
    assert all(name in out for name in units)
    assert "docs/说明.pdf" in out and "10.2" in out  # the reason, broken only between words
    assert "逾期单位" in out


def test_rollup_wide_enough_stays_a_table(units: list[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("COLUMNS")
    out = ok("rollup", "plans", "--by", "task", "--as-of", "2020-10-05")
    assert "┃ 单位" in out and "任务10" in out  # piped to a file: the whole table


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('"6.2"\n        text:', '"6.2"\n        history: 已签约\n        text:', "历史记录（history）应为列表"),
        ("    lead: [学会部, 办公厅, 组人部]\n", "", "缺少牵头部门（lead）"),
        ("{id: 学会部, name: 学会学术部}", "{id: 学会部, name: 学会学术部, email: 'a@b.cn, c@d.cn'}", "只能写一个地址"),
    ],
)
def test_validate_names_keys_in_chinese(plan_file: Path, old: str, new: str, said: str):
    """A located problem keeps its dotted place (tasks[5].items[1].history); its sentence is Chinese."""
    text = plan_file.read_text(encoding="utf-8")
    assert old in text
    plan_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1 and said in result.stderr, result.stderr


def test_a_history_that_is_not_a_list_is_refused_in_chinese(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('id: "6.2"')
    plan_file.write_text(text[:at] + text[at:].replace("status: todo", "status: todo\n        history: {}", 1), "utf-8")
    result = run("status", "set", "6.2", "done")
    assert "历史记录（history）" in result.stderr and "应为列表" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("设定期限 2020-10-01", 17, ["设定期限", "2020-10-01"]),  # a date longer than half the line: whole
        ("已签约 证明：docs/签约.pdf", 24, ["已签约 证明：", "docs/签约.pdf"]),  # a path with Chinese in it
        ("见 --link docs/签约.pdf ；下一条", 24, ["见 --link", "docs/签约.pdf ；下一条"]),  # a mark after it
        ("证明：https://www.cast.org.cn/art/2020/9/1/art_1.html", 38,
         ["证明：", "https://www.cast.org.cn/art/2020/9/1", "/art_1.html"]),  # longer than a line: before a slash
    ],
)  # fmt: skip
def test_kinsoku_keeps_words_whole(text: str, width: int, lines: list[str]):
    from reformctl.render.lines import kinsoku

    assert kinsoku(text, width) == lines


def test_help_keeps_the_example_path_whole(narrow: None):
    out = ok("status", "set", "--help")
    fits(out)
    assert "docs/签约.pdf" in out and " 6.2 " in out and "历史记录（history）" in out
