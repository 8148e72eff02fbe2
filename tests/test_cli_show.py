from __future__ import annotations

from pathlib import Path

from conftest import run


def test_show_task_with_items_and_derived_progress(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace('id: "6.1"\n        text:', 'id: "6.1"\n        due: 2020-10-01\n        text:'))
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('id: "6.1"')
    plan_file.write_text(text[:at] + text[at:].replace("status: todo", "status: done", 1), encoding="utf-8")
    result = run("show", "6")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("任务 6  创新“科创中国”工作机制，促进产学研深度融合 · data/tasks-2020.yaml\n")
    assert "牵头部门：学会部（学会学术部）、办公厅、组人部（组织人事部）" in out
    assert "进度：1/2 已完成（50%）" in out
    assert "已完成" in out and "未启动" in out and "2020-10-01" in out
    # full text, wrapped rather than cut
    assert "…" not in out and "引向企业。" in out


def test_show_item(plan_file: Path):
    out = run("show", "10.3").stdout
    assert out.splitlines()[:2] == ["事项 10.3 · data/tasks-2020.yaml", "所属任务：10  深化全国学会治理改革"]
    assert "打造学会制度样板间" in out.replace("\n", "")
    assert "牵头部门：学会部（学会学术部）" in out and "状态：未启动" in out and "期限：未设定" in out


def test_show_task_without_items(plan_file: Path):
    out = run("show", "2").stdout
    assert out.startswith("任务 2  加强网上科技工作者之家建设 · data/tasks-2020.yaml\n")
    assert out.count("牵头部门：") == 1 and "状态：未启动" in out


def test_show_history(tmp_path: Path, plan_file: Path):
    from conftest import EXAMPLES

    out = run("show", "1.2", "--file", str(EXAMPLES / "valid" / "minimal.yaml")).stdout
    assert "参与部门：办公厅" in out and "期限：2020-12-31" in out
    assert "2020-09-01  已完成  已完成" in out


def test_show_unknown_id(plan_file: Path):
    result = run("show", "6.9")
    assert result.exit_code == 2
    assert "没有编号为 '6.9' 的任务或事项。是不是 6、6.1、6.2？" in result.stderr


def test_no_wrapped_line_starts_with_closing_punctuation(plan_file, monkeypatch):
    """避头尾: at 80 columns, in show and doc."""
    from reformctl import loader, query
    from reformctl.render.lines import CLOSING

    monkeypatch.setenv("COLUMNS", "80")
    plan = loader.load(plan_file)
    ids = [row.id for row in query.rows(plan)] + [task.id for task in plan.tasks if task.items]
    screens = [run("doc").stdout] + [run("show", ident).stdout for ident in ids]
    cells = [part.strip() for screen in screens for line in screen.splitlines() for part in line.split("│")]
    starts = [cell for cell in cells if cell[:1] in CLOSING]
    assert starts == []


def test_percentages_round_half_up():
    from reformctl.query import percent

    assert [percent(2, 7), percent(1, 37), percent(1, 6), percent(199, 200), percent(7, 7), percent(0, 0)] == [
        29, 3, 17, 99, 100, 0,
    ]  # fmt: skip
