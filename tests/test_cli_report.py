from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run


def report(*args: str) -> str:
    result = run("report", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def section(md: str, title: str) -> str:
    return md.split(f"## {title}\n\n", 1)[1].split("\n## ", 1)[0]


def test_september_report(history_plan: Path):
    md = report("--since", "2020-09-01", "--until", "2020-09-30")
    assert md.startswith(
        "# 2020年科协系统深化改革重点任务进展报告\n\n"
        "科协办发调字〔2020〕12号 · 统计区间 2020-09-01 至 2020-09-30 · 计划文件 data/tasks-2020.yaml\n"
    )
    assert "共 37 项，已完成 1 项（3%）；推进中 3 项，受阻 0 项，未启动 33 项。" in md
    assert "记录进展 3 条，完成 1 项，调整期限 1 次；截至 2020-09-30，逾期 1 项，临期 1 项。" in md
    changes = section(md, "本期进展（按牵头部门）")
    xuehui = changes.split("### 学会部（学会学术部）\n\n")[1].split("###")[0]
    assert [line.split(" | ")[1] for line in xuehui.strip().splitlines()[2:]] == ["9.1", "10.3"]
    # 6.2, led by three departments, appears once, under all three
    assert changes.count("| 6.2 |") == 1 and "### 学会部（学会学术部）、办公厅、组人部（组织人事部）\n" in changes
    joint = changes.split("### 学会部（学会学术部）、办公厅、组人部（组织人事部）\n\n")[1]
    assert "| 2020-09-20 | 6.2 |" in joint and "延期 2020-10-01 → 2020-12-31 | 试点城市调整 |" in joint
    assert "### 办公厅\n" not in changes and "### 国际部" not in changes
    late = section(md, "逾期与临期")
    assert re.search(r"\| 9\.1 \|.*\| 学会部 \|  \| 推进中 \| 2020-09-10 \| 逾期 20 天 \|", late)
    assert re.search(r"\| 2 \|.*\| 组人部 \|  \| 推进中 \| 2020-10-05 \| 临期，剩 5 天 \|", late)
    done = section(md, "本期完成")
    assert "| 2020-09-15 | 10.3 |" in done and "| 学会部 | 监事会办法已出台 |" in done
    assert "| 10 | 深化全国学会治理改革 | 1/6 | 17% |" in section(md, "各任务进度")


def test_department_report_and_empty_sections(history_plan: Path):
    md = report("--since", "2020-10-01", "--until", "2020-10-31", "--dept", "国际联络部")
    assert "国际部牵头事项 · 共 2 项，已完成 0 项（0%）；推进中 0 项，受阻 1 项，未启动 1 项。" in md
    assert "| 2020-10-10 | 7.1 |" in md and "未启动 → 受阻 | 疫情影响 |" in md
    assert "本期没有完成的事项。" in md and "没有逾期或临期的事项" in md
    assert "### 学会部" not in md


def test_default_period_is_the_week_up_to_until(history_plan: Path):
    md = report("--until", "2020-09-21")
    assert "统计区间 2020-09-15 至 2020-09-21" in md and "记录进展 2 条" in md


def test_html_is_self_contained_and_well_formed(history_plan: Path, tmp_path: Path):
    result = run("report", "--since", "2020-09-01", "--until", "2020-09-30", "--format", "html", "-o", "周报.html")
    assert result.exit_code == 0 and "已写入 周报.html" in result.stderr
    page = (tmp_path / "周报.html").read_text(encoding="utf-8")
    root = ET.fromstring(page.split("\n", 1)[1])  # well-formed (the doctype line aside)
    assert root.tag == "html"
    assert not re.search(r"(src|href)=|@import|url\(|<script", page), "no external assets, no scripts"
    assert "@page { size: A4" in page
    svg = root.find(".//{http://www.w3.org/2000/svg}svg")
    assert svg is not None and len(svg.findall("{http://www.w3.org/2000/svg}rect")) == 24
    assert "1/6 17%" in page and "9.1" in page and "监事会办法已出台" in page


def test_bad_period(history_plan: Path):
    result = run("report", "--since", "2020-10-01", "--until", "2020-09-01")
    assert result.exit_code == 2 and "晚于" in result.stderr


def test_paragraphs_are_plain_text_in_markdown(plan_file: Path):
    """A department's name in 总体情况 is escaped like every other text: never a heading, never markup."""
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("国际部", '"# 国际部*"'), encoding="utf-8")
    md = report("--since", "2020-10-01", "--until", "2020-10-31", "--dept", "国际联络部")
    overview = section(md, "总体情况").splitlines()[0]
    assert overview == "\\# 国际部\\*牵头事项 · 共 2 项，已完成 0 项（0%）；推进中 0 项，受阻 0 项，未启动 2 项。"
    assert [line for line in md.splitlines() if line.startswith("#")] == [
        "# 2020年科协系统深化改革重点任务进展报告",
        "## 总体情况",
        "## 本期进展（按牵头部门）",
        "## 逾期与临期",
        "## 受阻事项及原因",
        "## 本期完成",
        "## 各任务进度",
    ]


def test_html_escapes_the_plan_title_in_the_page_title(plan_file: Path):
    """The title is people's text like any other: in <title> as in <h1>, escaped."""
    text = plan_file.read_text(encoding="utf-8")
    title = "A&B</title><script>x</script>"
    plan_file.write_text(text.replace("  title: 2020年科协系统深化改革重点任务\n", f'  title: "{title}"\n', 1), "utf-8")
    page = report("--since", "2020-09-01", "--until", "2020-09-30", "--format", "html")
    escaped = "A&amp;B&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;进展报告"
    assert f"<title>{escaped}</title>\n" in page and f"<h1>{escaped}</h1>" in page
    assert "<script" not in page and page.count("</title>") == 1
