"""init --from: a new plan from the notice itself, in its usual shapes and files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from conftest import ROOT, ok, real_plan, run

from reformctl import loader
from reformctl.models import Plan
from reformctl.notice import cn_number, full_width

SOURCE = ROOT / "tests" / "source"
WEB = (SOURCE / "notice.txt").read_text(encoding="utf-8")


def shape(plan: Plan) -> dict[str, object]:
    """What the notice says, as a plan holds it: everything but the full department names."""
    return {
        "document": plan.document.model_dump(),
        "departments": [d.id for d in plan.departments],
        "texts": (plan.preamble, plan.requirements, plan.goals, plan.tasks_note),
        "principles": [s.model_dump() for s in plan.principles],
        "safeguards": [s.model_dump() for s in plan.safeguards],
        "tasks": [
            (t.id, t.title, t.lead, t.participants, t.text, t.status, [i.model_dump() for i in t.items or []])
            for t in plan.tasks
        ],
    }


def made(tmp_path: Path, source: Path, *args: str) -> tuple[Plan, str]:
    result = run("init", "--from", str(source), *args)
    assert result.exit_code == 0, result.output
    written = re.search(r"已写入 (data/tasks-\d+\.yaml)", result.stdout)
    assert written, result.stdout
    return loader.load(tmp_path / written[1]), result.stdout


def test_the_2020_notice_as_published_on_the_web(tmp_path: Path):
    plan, said = made(tmp_path, SOURCE / "notice.txt")
    assert shape(plan) == shape(real_plan())
    assert said.startswith("12 项任务，36 个事项，7 个部门\n已写入") and "注意" not in said
    text = (tmp_path / "data" / "tasks-2020.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/plan.schema.json\n")
    assert (tmp_path / "schemas" / "plan.schema.json").is_file()
    assert "有效（12 项任务，37 个跟踪事项）" in ok("validate")


def test_the_2020_notice_in_full_width(tmp_path: Path):
    lines = [re.sub(r"^(\s*)(\d+)\.", r"\1\2．", full_width(line)) for line in WEB.splitlines()]
    assert "（牵头部门：调宣部）" in "".join(lines) and "1．加大" in "".join(lines)
    (tmp_path / "通知.txt").write_text("\n".join(lines), encoding="utf-8")
    assert shape(made(tmp_path, tmp_path / "通知.txt")[0]) == shape(real_plan())


def test_the_2020_notice_as_a_word_document(tmp_path: Path):
    document = docx.Document()
    for line in WEB.splitlines():
        document.add_paragraph(line.strip())
    document.save(tmp_path / "通知.docx")
    assert shape(made(tmp_path, tmp_path / "通知.docx")[0]) == shape(real_plan())


def test_word_automatic_numbering_is_read_in_document_order(tmp_path: Path):
    document = docx.Document()
    for line in ("关于印发《2022年工作要点》的通知", "2022年工作要点", "一、重点任务"):
        document.add_paragraph(line)
    for task in ("建设学会服务平台。（学会部牵头）", "办好科普日活动。（科普部牵头）"):
        document.add_paragraph(task, style="List Number")  # the number is Word's, not in the text
    document.save(tmp_path / "要点.docx")
    plan, said = made(tmp_path, tmp_path / "要点.docx")
    assert [(t.id, t.title, t.lead) for t in plan.tasks] == [
        ("1", "建设学会服务平台", ["学会部"]),
        ("2", "办好科普日活动", ["科普部"]),
    ]
    assert "编号来自 Word 的自动编号（不在文字里），已按文档中的先后顺序编号" in said


def test_grouped_tasks_item_leads_participants_circled_numbers_in_gb18030(tmp_path: Path):
    text = (SOURCE / "notice-2018-grouped.txt").read_text(encoding="utf-8")
    (tmp_path / "要点.txt").write_bytes(text.encode("gb18030"))
    plan, said = made(tmp_path, tmp_path / "要点.txt")
    assert "已按 GB18030（GBK）读取" in said and "4 项任务，7 个事项，6 个部门" in said
    assert plan.document.number == "科协办发调字〔2018〕5号" and plan.document.printed.isoformat() == "2018-03-21"
    assert [(g.id, g.title) for g in plan.groups] == [("1", "深化组织体系改革"), ("2", "提升服务能力")]
    assert [(t.id, t.group) for t in plan.tasks] == [("1", "1"), ("2", "1"), ("3", "2"), ("4", "2")]  # renumbered
    one = plan.tasks[0]
    assert (one.lead, one.participants) == (["调宣部"], ["组人部", "计财部"])
    assert one.items[0].model_dump(include={"text", "lead", "participants"}) == {  # type: ignore[index]
        "text": "推动省级科协完成改革任务；",
        "lead": ["调宣部"],
        "participants": ["组人部"],
    }
    assert plan.tasks[1].items is None and plan.tasks[1].lead == ["组人部"]
    assert [i.text for i in plan.tasks[3].items or []] == [
        "推进科普信息化；",
        "建设“科普中国”平台；",
        "组织全国科普日活动。",
    ]
    assert plan.principles == [] and plan.requirements and len(plan.safeguards) == 2
    assert [row["group"] for row in json.loads(ok("list", "--format", "json", "-f", "data/tasks-2018.yaml"))][:3] == [
        "1",
        "1",
        "1",
    ]
    groups = json.loads(ok("summary", "--by", "group", "--format", "json", "-f", "data/tasks-2018.yaml"))["groups"]
    assert groups == [
        {"id": "1", "name": "深化组织体系改革", "done": 0, "total": 3},
        {"id": "2", "name": "提升服务能力", "done": 0, "total": 5},
    ]
    assert re.search(r"┃ 分组 ┃ 编号 ┃ 内容 +┃", ok("list", "-f", "data/tasks-2018.yaml"))
    assert re.search(r"│ 2 +│ 4\.3  │ 组织全国科普日活动。", ok("list", "-f", "data/tasks-2018.yaml"))
    report = ok("report", "--format", "md", "-f", "data/tasks-2018.yaml")
    assert "## 各组进度" in report and "| 1 | 深化组织体系改革 | 0/3 | 0% |" in report


def test_a_markdown_notice_with_goals_and_what_it_did_not_understand(tmp_path: Path):
    plan, said = made(tmp_path, SOURCE / "notice-province.md")
    assert plan.document.issuer == "湖北省科协" and plan.document.signed.isoformat() == "2021-04-02"
    assert plan.requirements == "全面落实中国科协深化改革部署，聚焦基层，补齐短板。"
    assert plan.goals == "到2021年底，市县科协改革任务全面完成。"
    assert [(t.title, t.lead, t.participants) for t in plan.tasks] == [
        ("推进市县科协改革", ["组织部"], ["宣传部"]),
        ("加强科普阵地建设", ["科普部"], ["财务处"]),
    ]
    assert plan.tasks[1].text == "建设一批科普示范基地。"
    assert (
        "第 37 段「其他事项」：标题不是常见的" in said
        and "第 39 段「本方案自印发之日起施行。」：未能识别，未读入" in said
    )
    assert (tmp_path / "data" / "tasks-2021.yaml").is_file()


def test_dry_run_shows_what_was_read_and_writes_nothing(tmp_path: Path):
    result = run("init", "--from", str(SOURCE / "notice-2018-grouped.txt"), "--dry-run")
    assert result.exit_code == 0 and result.stdout.startswith("┏━━━━━━┳") and "任务 / 事项" in result.stdout
    assert "4 项任务，7 个事项，6 个部门" in result.stderr and not (tmp_path / "data").exists()
    plan = run("init", "--from", str(SOURCE / "notice-2018-grouped.txt"), "-o", "-")
    assert plan.stdout.startswith("# yaml-language-server:") and not (tmp_path / "data").exists()
    ok("init", "--from", str(SOURCE / "notice-2018-grouped.txt"))
    again = run("init", "--from", str(SOURCE / "notice-2018-grouped.txt"))
    assert again.exit_code == 1 and "data/tasks-2018.yaml 已存在，未覆盖" in again.stderr


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "关于印发《工作要点》的通知\n工作要点\n一、总体要求\n全面加强。\n",
            "没有找到重点任务：找的是标题含「重点任务、主要任务」的一节",
        ),
        ("一、重点任务\n1.做好工作。（办公室牵头）\n", "找不到计划标题"),
    ],
)
def test_a_notice_without_what_a_plan_needs_is_an_error(tmp_path: Path, text: str, words: str):
    (tmp_path / "n.txt").write_text(text, encoding="utf-8")
    result = run("init", "--from", "n.txt")
    assert result.exit_code == 1 and words in result.stderr and not (tmp_path / "data").exists()


def test_only_notice_formats_are_read(tmp_path: Path):
    (tmp_path / "n.pdf").write_bytes(b"%PDF")
    result = run("init", "--from", "n.pdf")
    assert result.exit_code == 1 and "只能读取 .docx、.xlsx、.txt、.md 格式的通知" in result.stderr


def test_group_numbers_past_ten_and_commas_after_digits(tmp_path: Path):
    """（十二） is group 12; a comma after a digit is full width unless a digit follows it too."""
    (tmp_path / "要点.txt").write_text(
        "关于印发《2020年工作要点》的通知\n2020年工作要点\n一、重点任务\n"
        "（十一）深化组织改革\n1.到2020,建成1,000个站点。（办公室牵头）\n"
        "（十二）提升服务能力\n2.每日10:30前报送,全年2.5次。（科普部牵头）\n",
        encoding="utf-8",
    )
    plan, _ = made(tmp_path, tmp_path / "要点.txt")
    assert [(g.id, g.title) for g in plan.groups] == [("11", "深化组织改革"), ("12", "提升服务能力")]
    assert [(t.id, t.group, t.title) for t in plan.tasks] == [
        ("1", "11", "到2020，建成1,000个站点"),
        ("2", "12", "每日10:30前报送，全年2.5次"),
    ]


def test_chinese_numerals_and_half_width_punctuation():
    assert [cn_number(n) for n in ("一", "九", "十", "十二", "十九", "二十", "二十三")] == [1, 9, 10, 12, 19, 20, 23]
    assert full_width("第3,第5") == "第3，第5" and full_width("共,5项") == "共，5项"
    assert full_width("1,000人,10:30到") == "1,000人，10:30到"


def test_output_dash_is_the_screen_and_a_folder_gets_the_plan_inside(tmp_path: Path):
    (tmp_path / "实施方案.md").write_bytes((SOURCE / "notice-province.md").read_bytes())
    shown = run("init", "--from", "实施方案.md", "-o", "-")
    assert shown.exit_code == 0 and shown.stdout.startswith("# yaml-language-server:")
    assert "2 项任务" in shown.stderr and sorted(p.name for p in tmp_path.iterdir()) == ["实施方案.md"]
    for folder in ("新计划/", "已有"):
        (tmp_path / "已有").mkdir(exist_ok=True)
        assert "已写入" in ok("init", "--from", "实施方案.md", "-o", folder)
        assert [p.name for p in (tmp_path / folder).iterdir()] == ["tasks-2021.yaml"]
        loader.load(tmp_path / folder / "tasks-2021.yaml")
    unit = run("init", "--unit", "武汉市科协", "--level", "市级", "-o", "-")
    assert unit.exit_code == 2 and "只用于 --from" in unit.stderr


def test_a_notice_that_is_a_folder_is_not_called_a_plan(tmp_path: Path):
    (tmp_path / "通知.docx").mkdir()
    result = run("init", "--from", "通知.docx")
    assert (result.exit_code, result.stderr) == (1, "错误：通知.docx: 无法读取：这是文件夹，不是通知文件\n")


@pytest.mark.parametrize("suffix", [".TXT", ".DOCX"])
def test_an_upper_case_suffix_is_the_same_kind_of_notice(tmp_path: Path, suffix: str):
    """As Windows and old scanners name files: 通知.TXT, 通知.DOCX."""
    source = tmp_path / f"通知{suffix}"
    if suffix == ".TXT":
        source.write_text(WEB, encoding="utf-8")
    else:
        document = docx.Document()
        for line in WEB.splitlines():
            document.add_paragraph(line.strip())
        document.save(source)
    assert shape(made(tmp_path, source)[0]) == shape(real_plan())


def test_a_byte_order_mark_is_not_part_of_the_first_paragraph(tmp_path: Path):
    """Notepad saves UTF-8 with a BOM: it is not text, and the notice reads as without it."""
    (tmp_path / "通知.txt").write_bytes("\ufeff".encode() + WEB.encode("utf-8"))
    plan, said = made(tmp_path, tmp_path / "通知.txt")
    assert shape(plan) == shape(real_plan()) and "注意" not in said
    assert plan.document.notice == "中国科协办公厅关于印发《2020年科协系统深化改革重点任务》的通知"  # no U+FEFF


def numbered(document: docx.document.Document, levels: list[tuple[str, str]]) -> str:
    """A list of Word's own numbering with these levels (format, text), added to the document's
    numbering part: the id paragraphs refer to."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    root = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for n, (fmt, text) in enumerate(levels)
    )
    root.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def test_word_sub_numbering_restarts_under_each_new_item(tmp_path: Path):
    from reformctl import sources

    document = docx.Document()
    num = numbered(document, [("decimal", "%1."), ("decimal", "（%2）")])
    for level, text in [(0, "任务甲"), (1, "事项一"), (1, "事项二"), (0, "任务乙"), (1, "事项三"), (1, "事项四")]:
        props = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        props.get_or_add_numId().val, props.get_or_add_ilvl().val = int(num), level
    document.save(tmp_path / "通知.docx")
    found, notes = sources.paragraphs(tmp_path / "通知.docx")
    assert found == ["1.任务甲", "（1）事项一", "（2）事项二", "2.任务乙", "（1）事项三", "（2）事项四"]
    assert any("自动编号" in note for note in notes)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_an_old_word_file_is_converted_and_said_so(tmp_path: Path):
    import subprocess

    word = docx.Document()
    for line in (SOURCE / "notice-2018-grouped.txt").read_text(encoding="utf-8").splitlines():
        word.add_paragraph(line)
    word.save(str(tmp_path / "通知.docx"))
    convert = [SOFFICE, "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "通知.docx")]
    subprocess.run(convert, capture_output=True, timeout=120, check=True)
    (tmp_path / "通知.docx").unlink()
    result = run("init", "--from", "通知.doc", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "已用 LibreOffice 转换为 .docx 后读取" in result.stderr and "4 项任务，7 个事项" in result.stderr


def test_without_libreoffice_an_old_word_file_says_how_to_save_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "通知.wps").write_bytes(b"\xd0\xcf\x11\xe0 an old binary file")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run("init", "--from", "通知.wps")
    assert result.exit_code == 1 and "请用 Word 或 WPS 打开后“另存为” .docx 再试" in result.stderr
