from __future__ import annotations

from pathlib import Path

from conftest import run


def test_depts_counts_items_each_department_leads(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index('id: "12.3"')
    plan_file.write_text(text[:at] + text[at:].replace("status: todo", "status: done", 1), encoding="utf-8")
    result = run("depts")
    assert result.exit_code == 0, result.output
    rows = {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in result.stdout.splitlines()
        if line.startswith("│")
    }
    assert list(rows) == ["调宣部", "组人部", "科普部", "学会部", "办公厅", "国际部", "计财部"]
    assert rows["组人部"] == ["组织人事部", "2、3、6、11、12", "13", "1/13"]
    assert rows["计财部"] == ["计划财务部", "8、12", "5", "1/5"]
    assert rows["办公厅"] == ["办公厅", "6", "2", "0/2"]
