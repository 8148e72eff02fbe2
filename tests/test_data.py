"""The bundled plan is the notice itself: checked against its source text, word for word."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DATA, real_plan

from reformctl import query

SOURCE = (Path(__file__).parent / "source" / "notice.txt").read_text(encoding="utf-8")
# The source went through a converter that turned Chinese punctuation into ASCII.
TO_ASCII = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"'})


def source(text: str) -> str:
    assert text.translate(TO_ASCII) in SOURCE, text
    return text


def test_counts():
    assert len(real_plan().tasks) == 12
    assert sum(len(task.items or []) for task in real_plan().tasks) == 36
    assert len(query.rows(real_plan())) == 37
    assert [len(real_plan().principles), len(real_plan().safeguards), len(real_plan().departments)] == [3, 3, 7]
    assert all(row.status == "todo" for row in query.rows(real_plan()))


def test_every_task_is_the_source_paragraph():
    lines = [line.strip() for line in SOURCE.splitlines() if line.strip()]
    section = lines[lines.index("二、重点任务") + 1 : lines.index("三、组织保障")]
    paragraphs = [line for line in section if re.match(r"\d+\.", line)]
    assert len(paragraphs) == len(real_plan().tasks)
    for task, expected in zip(real_plan().tasks, paragraphs, strict=True):
        body = task.text or "".join(f"（{n}）{item.text}" for n, item in enumerate(task.items or [], 1))
        assert [item.id for item in task.items or []] == [f"{task.id}.{n}" for n in range(1, len(task.items or []) + 1)]
        rebuilt = f"{task.id}.{task.title}。{body}（牵头部门：{'、'.join(task.lead)}）"
        assert rebuilt.translate(TO_ASCII) == expected


def test_principles_safeguards_and_paragraphs():
    for section in [*real_plan().principles, *real_plan().safeguards]:
        source(f"{section.id}.{section.title}。{section.text}")
    for text in (real_plan().preamble, real_plan().requirements, real_plan().tasks_note, real_plan().document.body):
        assert text
        source(text)


def test_document_facts():
    doc = real_plan().document
    assert doc.number == source("科协办发调字〔2020〕12号")
    assert doc.issuer == "中国科协办公厅"
    assert (str(doc.signed), str(doc.printed), str(doc.published)) == ("2020-07-03", "2020-07-06", "2020-07-13")
    assert "2020年7月3日" in SOURCE and "2020年7月6日印发" in SOURCE and "2020年07月13日" in SOURCE
    assert source(f"{doc.recipients}:")
    assert source(f"抄送:{doc.cc}。")
    assert source(f"附件:{doc.attachment}")
    assert doc.notice and doc.notice.replace("\n", "") in SOURCE


def test_lead_departments_in_document_order():
    leads = {task.id: task.lead for task in real_plan().tasks}
    assert leads["6"] == ["学会部", "办公厅", "组人部"]
    assert leads["12"] == ["组人部", "计财部"]
    named = {d.id for d in real_plan().departments}
    assert named == {d for lead in leads.values() for d in lead}
    assert real_plan().dept_id("学会学术部") == "学会部"


def test_full_width_punctuation_and_quoted_ids():
    text = DATA.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.lstrip().startswith(("text:", "title:", "requirements:", "preamble:", "tasks_note:")):
            value = line.split(":", 1)[1]
            assert not re.search(r'[,;:()"]', value), line
    assert re.findall(r"^\s*- id: (\S+)", text, re.M) == [
        f'"{i}"' for i in re.findall(r'^\s*- id: "([\d.]+)"', text, re.M)
    ]
