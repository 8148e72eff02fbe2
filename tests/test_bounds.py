"""Files people send are read within bounds (issue 18): a returned form or a Word notice that
unpacks to gigabytes, or has a stray cell a million rows down, is read in seconds and little
memory, or refused in one clear line; never a traceback, never the machine's memory."""

from __future__ import annotations

import bz2
import datetime as dt
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from conftest import ok
from openpyxl import load_workbook

from reformctl import loader, query

pytestmark = pytest.mark.slow  # each runs reformctl as a process of its own, to measure it

PEAK_MIB = 200
SECONDS = 10  # each takes one or two on a busy 2-core machine

# Run in a process of its own, so RUSAGE_CHILDREN is reformctl's peak and no other test's child.
MEASURED = """
import json, resource, subprocess, sys, time
def bounded():  # a regression fails the test, not the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
start = time.monotonic()
done = subprocess.run([sys.executable, "-m", "reformctl", *sys.argv[1:]], capture_output=True, text=True,
                      preexec_fn=bounded, timeout=60)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "seconds": time.monotonic() - start, "peak": peak}))
"""


def measured(*args: str, cwd: Path, max_mb: int | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REFORMCTL_MAX_MB"}
    if max_mb is not None:
        env["REFORMCTL_MAX_MB"] = str(max_mb)
    done = subprocess.run([sys.executable, "-c", MEASURED, *args], capture_output=True, text=True, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    print(f"{args}: exit {said['code']}, {said['seconds']:.1f} s, peak {said['peak']:.0f} MiB")
    return said


def refused(said: dict, *words: str) -> str:
    """One clear line on stderr, exit 1, within bounds."""
    assert said["code"] == 1, said["stderr"]
    assert "Traceback" not in said["stderr"] and len(said["stderr"].splitlines()) == 1, said["stderr"]
    assert all(word in said["stderr"] for word in words), said["stderr"]
    assert said["peak"] < PEAK_MIB and said["seconds"] < SECONDS
    return said["stderr"]


# ---------------------------------------------------------------- building hostile zips quickly


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def inflating(head: bytes, mib: int, tail: bytes, fill: bytes = b"A") -> tuple[bytes, int, int]:
    """head, `mib` MiB of `fill` repeated, tail: deflated, with its size and CRC-32, in a second
    even for gigabytes. After a full flush the compressor starts afresh, so each MiB deflates to
    the same kilobyte of bytes, written once and repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = fill * ((1 << 20) // len(fill))
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return start + one * mib + end, len(head) + mib * len(block) + len(tail), zlib.crc32(tail, crc)


def write_zip(to: Path, members: list[tuple[str, bytes, int, int]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip written field by field, its headers saying what the test likes: each member is its
    name, its packed bytes (deflated unless `method` says otherwise), and the size and CRC-32 its
    headers declare."""
    local, central = io.BytesIO(), io.BytesIO()
    for name, data, size, crc in members:
        encoded, offset = name.encode(), local.tell()
        packed = method if name == "word/document.xml" else zipfile.ZIP_DEFLATED
        header = (
            46 if packed == zipfile.ZIP_BZIP2 else 20,
            0x800,
            packed,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
        )  # UTF-8 names, 1980
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *header, 0) + encoded + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *header, 0, 0, 0, 0, 0, offset) + encoded)
    listing = central.getvalue()
    count = min(len(members), 0xFFFF)  # zipfile reads the listing to its end, whatever the count says
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(listing), local.tell(), 0)
    to.write_bytes(local.getvalue() + listing + end)
    return to


def members_of(path: Path, replaced: dict[str, bytes] | None = None) -> list[tuple[str, bytes, int, int]]:
    """A real file's members, as write_zip takes them, with some replaced."""
    with zipfile.ZipFile(path) as archive:
        found = {info.filename: archive.read(info) for info in archive.infolist()}
    found.update(replaced or {})
    return [(name, deflated(data), len(data), zlib.crc32(data)) for name, data in found.items()]


def make_form(tmp_path: Path) -> Path:
    ok("form", "--dept", "学会部", "-o", "学会部.xlsx")
    return tmp_path / "学会部.xlsx"


def notice(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于印发《2022年工作要点》的通知")
    document.save(tmp_path / "通知.docx")
    return tmp_path / "通知.docx"


# ---------------------------------------------------------------- forms


def test_a_stray_cell_at_the_last_row_of_excel_imports_its_real_answers(plan_file: Path, tmp_path: Path):
    """Reproduced: a 50 KB form with one stray cell at M1048576 ran 86 s and past 2.3 GB, then exit 3."""
    book = load_workbook(make_form(tmp_path))
    sheet = book["学会部"]
    sheet["I4"], sheet["J4"], sheet["K4"] = "推进中", dt.date(2020, 9, 4), "已召开推进会"
    sheet["I5"] = "已完成"
    sheet["M1048576"] = " "  # a space typed far down, as real returned files have
    book.save(tmp_path / "填好.xlsx")
    said = measured("import", "填好.xlsx", cwd=tmp_path)
    assert said["code"] == 0 and "已记录 2 条" in said["stdout"], said["stderr"]
    assert said["peak"] < PEAK_MIB and said["seconds"] < SECONDS
    rows = {row.id: row for row in query.rows(loader.load(plan_file))}
    assert (rows["6.1"].status, rows["6.1"].history[-1].note) == ("doing", "已召开推进会")
    assert rows["6.2"].status == "done"


def test_a_form_whose_shared_string_unpacks_to_300_mib_is_refused(plan_file: Path, tmp_path: Path):
    """Reproduced: a 315 KB form whose one shared string unpacks to 300 MiB: 649 MiB to import it."""
    form = make_form(tmp_path)
    with zipfile.ZipFile(form) as archive:
        types = archive.read("[Content_Types].xml").replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument'
            b'.spreadsheetml.sharedStrings+xml"/></Types>'))  # fmt: skip
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    bomb = ("xl/sharedStrings.xml", *inflating(head, 300, b"</t></si></sst>"))
    write_zip(tmp_path / "炸弹.xlsx", [*members_of(form, {"[Content_Types].xml": types}), bomb])
    assert (tmp_path / "炸弹.xlsx").stat().st_size < 400_000
    before = plan_file.read_bytes()
    said = refused(measured("import", "炸弹.xlsx", cwd=tmp_path), "炸弹.xlsx", "xl/sharedStrings.xml")
    assert said == (
        "错误：炸弹.xlsx: 无法读取：其中的 xl/sharedStrings.xml 解压后有 300 MiB，超过 64 MiB 的上限"
        "（确需读取，请设置环境变量 REFORMCTL_MAX_MB，如 REFORMCTL_MAX_MB=256）\n"
    )
    assert plan_file.read_bytes() == before


def million_rows(form: Path, to: Path, first: int) -> Path:
    """The form with a million more rows, from row `first` on: about 7 MB, 118 MiB unpacked."""
    with zipfile.ZipFile(form) as archive, zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, data)
                continue
            at = data.index(b"</sheetData>")
            with out.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(data[:at])
                for start in range(first, first + 1_000_000, 20_000):
                    sheet.write(b"".join(
                        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>6.1</t></is></c>'
                        b'<c r="I%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r, r)
                        for r in range(start, start + 20_000)))  # fmt: skip
                sheet.write(data[at:])
    return to


def test_a_form_of_a_million_rows_is_refused(plan_file: Path, tmp_path: Path):
    """Reproduced: a 7 MB form of a million rows: still running after 60 s, past 870 MiB."""
    million_rows(make_form(tmp_path), tmp_path / "百万行.xlsx", 16)
    said = refused(measured("import", "百万行.xlsx", cwd=tmp_path))
    assert said.startswith("错误：百万行.xlsx: 无法读取：其中的 xl/worksheets/sheet1.xml 解压后有 118 MiB，超过")


def test_a_million_rows_under_a_raised_cap_are_never_read(plan_file: Path, tmp_path: Path):
    """With the cap raised to let it in, only the form's own rows are read: the answers, quickly."""
    form = make_form(tmp_path)
    book = load_workbook(form)
    book["学会部"]["I4"] = "推进中"
    book.save(form)
    million_rows(form, tmp_path / "百万行.xlsx", 1000)
    said = measured("import", "百万行.xlsx", cwd=tmp_path, max_mb=256)
    assert said["code"] == 0 and "已记录 1 条" in said["stdout"], said["stderr"]
    assert said["peak"] < PEAK_MIB and said["seconds"] < SECONDS


def test_a_sheet_of_millions_of_rows_that_does_not_say_its_size_is_refused(plan_file: Path, tmp_path: Path):
    """Reproduced: openpyxl parses a sheet without a <dimension> to its end when it opens it, and
    keeps every row it passes: 9 million empty rows, 54 MiB in a 93 KB form, took 842 MiB and 22 s."""
    form = make_form(tmp_path)
    with zipfile.ZipFile(form) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<dimension [^>]*/>", b"", sheet)
    at = sheet.index(b"</sheetData>")
    rows = ("xl/worksheets/sheet1.xml", *inflating(sheet[:at], 54, sheet[at:], fill=b"<row/>"))
    others = [member for member in members_of(form) if member[0] != "xl/worksheets/sheet1.xml"]
    write_zip(tmp_path / "无范围.xlsx", [*others, rows])
    said = refused(measured("import", "无范围.xlsx", cwd=tmp_path))
    assert said.startswith("错误：无范围.xlsx: 无法读取：其中的工作表 xl/worksheets/sheet1.xml 有 54 MiB，却没有写明")


# ---------------------------------------------------------------- notices


def bloated(source: Path, to: Path, honest: bool) -> Path:
    """The notice with 2 GiB of text in its document.xml: said in its headers, or, when not
    `honest`, the headers saying it is still the notice's few kilobytes."""
    with zipfile.ZipFile(source) as archive:
        document = archive.read("word/document.xml")
    at = document.index(b"</w:body>")
    data, size, crc = inflating(document[:at] + b"<w:p><w:r><w:t>", 2048, b"</w:t></w:r></w:p>" + document[at:])
    others = [member for member in members_of(source) if member[0] != "word/document.xml"]
    write_zip(to, [*others, ("word/document.xml", data, size if honest else len(document), crc)])
    assert to.stat().st_size < 3_000_000
    return to


def test_a_docx_whose_document_unpacks_to_2_gib_is_refused(tmp_path: Path):
    """Reproduced: a 2 MB .docx for init --from whose document.xml unpacks to 2 GiB: past 1 GiB."""
    bloated(notice(tmp_path), tmp_path / "炸弹.docx", honest=True)
    said = refused(measured("init", "--from", "炸弹.docx", cwd=tmp_path), "REFORMCTL_MAX_MB")
    assert said.startswith("错误：炸弹.docx: 无法读取：其中的 word/document.xml 解压后有 2048 MiB，超过 64 MiB 的上限")
    assert not (tmp_path / "data").exists()


def test_a_docx_whose_header_understates_its_size_is_refused(tmp_path: Path):
    """Reproduced: python-docx's zipfile read() unpacked it whole before checking: past 1 GiB."""
    bloated(notice(tmp_path), tmp_path / "谎报.docx", honest=False)
    said = refused(measured("init", "--from", "谎报.docx", cwd=tmp_path))
    assert said.startswith("错误：谎报.docx: 无法读取：其中的 word/document.xml 已损坏，解压出的内容与文件头所记的不符")
    assert not (tmp_path / "data").exists()


def test_a_docx_of_400_000_members_is_refused_before_they_are_listed(tmp_path: Path):
    """Reproduced: zipfile keeps every member it lists, and 400,000 empty ones took it past 200 MiB."""
    empty = deflated(b"")
    write_zip(tmp_path / "碎片.docx", [(f"m{n}", empty, 0, 0) for n in range(400_000)])
    said = refused(measured("init", "--from", "碎片.docx", cwd=tmp_path))
    assert said.startswith("错误：碎片.docx: 无法读取：其中有 400000 个部分，远多于 Office 文件会有的（至多 10000 个）")


def test_a_docx_packed_with_bzip2_is_refused_before_it_is_unpacked(tmp_path: Path):
    """Reproduced: zipfile unpacks a bzip2 member in one call, whatever the size it asked for: a
    document.xml of 256 MiB in a few hundred bytes, its header saying a few kilobytes, took 556 MiB."""
    source = notice(tmp_path)
    with zipfile.ZipFile(source) as archive:
        document = archive.read("word/document.xml")
    packed = bz2.compress(document + b" " * (256 << 20))
    others = [member for member in members_of(source) if member[0] != "word/document.xml"]
    member = ("word/document.xml", packed, len(document), zlib.crc32(document))
    write_zip(tmp_path / "bz2.docx", [*others, member], method=zipfile.ZIP_BZIP2)
    said = refused(measured("init", "--from", "bz2.docx", cwd=tmp_path))
    assert said.startswith("错误：bz2.docx: 无法读取：其中的 word/document.xml 用了 Office 文件不用的压缩方式")
