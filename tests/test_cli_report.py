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
        "# 2020年科协系统深化改革重点任务进展报告\n\n统计区间 2020年9月1日至9月30日\n\n"
        "调研宣传部、组织人事部、科学技术普及部、学会学术部、办公厅、国际联络部、计划财务部：\n"
    )  # 主送: the departments' full names, as the plan has no office block
    assert ".yaml" not in md and "data/" not in md and "…" not in md
    assert "共 37 项，已完成 1 项（3%）；推进中 3 项，受阻 0 项，未启动 33 项。" in md
    assert "记录进展 3 条，完成 1 项，调整期限 1 次；截至2020年9月30日，逾期 1 项，临期 1 项。" in md
    assert md.endswith("\n\n2020年9月30日\n")  # 成文日期; no 落款 without an office or a unit
    changes = section(md, "本期进展（按牵头部门）")
    xuehui = changes.split("### 学会部（学会学术部）\n\n")[1].split("###")[0]
    assert [line.split(" | ")[0] for line in xuehui.strip().splitlines()[2:]] == [
        "| **9.1　贯彻落实《关于深化改革培育世界一流科技期刊的意见》，全力打造领军期刊，"
        "深入实施“中国科技期刊卓越行动计划”，试点推进中外科技期刊同质等效；**", "| 9月2日",
        "| **10.3　加强学会治理制度体系研究，出台学会监事会工作管理办法、制订学会章程示范文本、打造学会制度样板间；**",
        "| 9月15日",
    ]  # fmt: skip
    # 6.2, led by three departments, appears once, under all three
    assert changes.count("6.2　") == 1 and "### 学会部（学会学术部）、办公厅、组人部（组织人事部）\n" in changes
    joint = changes.split("### 学会部（学会学术部）、办公厅、组人部（组织人事部）\n\n")[1]
    assert "| 9月20日 | 延期 10月1日 → 12月31日 | 试点城市调整 |" in joint
    assert "### 办公厅\n" not in changes and "### 国际部" not in changes
    late = section(md, "逾期与临期")
    assert re.search(r"\| 9\.1 \|.*\| 学会部 \|  \| 推进中 \| 9月10日 \| 逾期 20 天 \|\n", late)
    assert re.search(r"\| 2 \|.*\| 组人部 \|  \| 推进中 \| 10月5日 \| 临期，剩 5 天 \|\n", late)
    assert "催办次数" not in late  # no 催办 recorded: no column for it
    done = section(md, "本期完成")
    assert "| 9月15日 | 10.3 |" in done and "| 学会部 | 监事会办法已出台 |" in done
    assert "| 10 | 深化全国学会治理改革 | 1/6 | 17% |" in section(md, "各任务进度")


def test_department_report_and_empty_sections(history_plan: Path):
    md = report("--since", "2020-10-01", "--until", "2020-10-31", "--dept", "国际联络部")
    assert "国际部牵头事项 · 共 2 项，已完成 0 项（0%）；推进中 0 项，受阻 1 项，未启动 1 项。" in md
    assert "| **7.1　" in md and "| 10月10日 | 未启动 → 受阻 | 疫情影响 |" in md
    assert "本期没有完成的事项。" in md and "没有逾期或临期的事项" in md
    assert "### 学会部" not in md


def test_default_period_is_the_week_up_to_until(history_plan: Path):
    md = report("--until", "2020-09-21")
    assert "统计区间 2020年9月15日至9月21日" in md and "记录进展 2 条" in md


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
        "## 考核排名",
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
