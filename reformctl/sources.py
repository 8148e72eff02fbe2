"""A notice's file as paragraphs and tables: Word (.docx, through python-docx; an old .doc or
.wps converted by LibreOffice when it is installed), an Excel task list (.xlsx, its sheets as
tables), plain text (.txt, in UTF-8, UTF-8 with a BOM, or GB18030 as offices still save it) or
Markdown (.md)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reformctl import tables
from reformctl.errors import ReformctlError, need
from reformctl.files import display, read_bytes
from reformctl.notice import CIRCLED, CN_DIGITS
from reformctl.tables import Grid
from reformctl.zipped import check

KINDS = (".docx", ".xlsx", ".txt", ".md")
OLD_WORD = (".doc", ".wps")  # converted with LibreOffice, when it is there


@dataclass
class Read:
    """A notice's file: its paragraphs, its tables (named 表 1, or by sheet), how it was read."""

    paragraphs: list[str]
    tables: list[tuple[str, Grid]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def paragraphs(path: Path) -> tuple[list[str], list[str]]:
    """The file's paragraphs, and notes on how it was read (an encoding, automatic numbering)."""
    found = read(path)
    return found.paragraphs, found.notes


def read(path: Path) -> Read:
    """The file's paragraphs and tables, and notes on how it was read."""
    name = display(path)
    kind = path.suffix.lower()
    if kind in OLD_WORD:
        return _converted(path, name)
    if kind not in KINDS:
        raise ReformctlError(f"{name}: 只能读取 {'、'.join(KINDS)} 格式的通知；其他格式请先另存为 .docx 或 .txt")
    raw = read_bytes(path, name, "通知文件")
    if kind == ".docx":
        return _docx(raw, name)
    if kind == ".xlsx":
        return _xlsx(raw, name)
    text, notes = _decode(raw, name)
    lines = text.splitlines()
    if kind == ".md":
        lines = [_plain(line) for line in lines]
    return Read(lines, [], notes)


def _xlsx(raw: bytes, name: str) -> Read:
    need("openpyxl", "读取 .xlsx 任务清单")
    check(raw, name)
    try:
        sheets = tables.xlsx_tables(raw)
    except Exception:  # not a workbook, or a broken one
        raise ReformctlError(f"{name}: 不是可以读取的 Excel 文件（文件已损坏，或不是 .xlsx）") from None
    return Read([], [(f"工作表「{title}」", grid) for title, grid in sheets])


def _converted(path: Path, name: str) -> Read:
    """An old Word (.doc) or WPS (.wps) file, converted to .docx by LibreOffice in a folder of its own."""
    import shutil
    import subprocess
    import tempfile

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ReformctlError(
            f"{name}: 这是旧版 Word 或 WPS 文件，无法直接读取：请用 Word 或 WPS 打开后“另存为” .docx 再试"
            "（装有 LibreOffice 时会自动转换）"
        )
    read_bytes(path, name, "通知文件")  # a regular file of at most the cap, as every file read
    with tempfile.TemporaryDirectory(prefix="reformctl-") as folder:
        done = subprocess.run(
            [office, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "docx",
             "--outdir", folder, str(path.absolute())],
            capture_output=True, timeout=120,
        )  # fmt: skip
        made = Path(folder) / f"{path.stem}.docx"
        if done.returncode or not made.exists():
            raise ReformctlError(f"{name}: LibreOffice 未能把它转换为 .docx；请用 Word 或 WPS 另存为 .docx 再试")
        found = _docx(read_bytes(made, name, "通知文件"), name)
    found.notes.insert(0, f"{name} 是旧版 Word/WPS 文件，已用 LibreOffice 转换为 .docx 后读取，请核对")
    return found


def _decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), [f"{name} 不是 UTF-8，已按 GB18030（GBK）读取"]
    except UnicodeDecodeError:
        raise ReformctlError(f"{name}: 既不是 UTF-8 也不是 GB18030 编码的文字，请另存为 UTF-8") from None


_MARKDOWN = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")


def _plain(line: str) -> str:
    """A Markdown line as its text: no heading marks, quote marks, bullets or emphasis."""
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", _MARKDOWN.sub("", line))


def _docx(raw: bytes, name: str) -> Read:
    docx = need("docx", "读取 .docx ")
    check(raw, name)
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception:  # a zip that is no Word document, or a broken one
        raise ReformctlError(f"{name}: 不是可以读取的 Word 文件（文件已损坏，或不是 .docx）") from None
    numbers = Numbering(document)
    found = [numbers.text(paragraph) for paragraph in document.paragraphs]
    notes = []
    if numbers.used:
        notes.append(f"{name} 的编号来自 Word 的自动编号（不在文字里），已按文档中的先后顺序编号，请核对")
    grids = [(f"表 {n}", grid) for n, grid in enumerate(tables.docx_tables(document), 1)]
    return Read(found, grids, notes)


class Numbering:
    """Word's automatic list numbering, rendered as the text it shows: 1. （一） ①, counted in
    document order per list and level."""

    def __init__(self, document: Any):  # python-docx's Document: its numbering part is oxml, untyped
        self.levels: dict[tuple[str, int], tuple[str, str]] = {}  # (numId, level) -> numFmt, lvlText
        self.counts: dict[tuple[str, int], int] = {}
        self.used = False
        try:
            root = document.part.numbering_part.element
        except (AttributeError, KeyError, NotImplementedError):
            return
        w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        q = f"{{{w}}}"
        abstract = {a.get(f"{q}abstractNumId"): a for a in root.iter(f"{q}abstractNum")}
        for num in root.iter(f"{q}num"):
            ref = num.find(f"{q}abstractNumId")
            levels = abstract.get(ref.get(f"{q}val")) if ref is not None else None
            for lvl in levels.iter(f"{q}lvl") if levels is not None else ():
                fmt, text = lvl.find(f"{q}numFmt"), lvl.find(f"{q}lvlText")
                key = (num.get(f"{q}numId"), int(lvl.get(f"{q}ilvl")))
                self.levels[key] = (fmt.get(f"{q}val") if fmt is not None else "decimal",
                                    text.get(f"{q}val") if text is not None else "%1.")  # fmt: skip

    def text(self, paragraph: Any) -> str:
        text = paragraph.text
        num = _num_props(paragraph._p.pPr, paragraph.style)
        if num is None or num.numId is None:
            return text
        key = (str(num.numId.val), int(num.ilvl.val) if num.ilvl is not None else 0)
        if key not in self.levels:
            return text
        self.used = True
        self.counts[key] = self.counts.get(key, 0) + 1
        for deeper in [k for k in self.counts if k[0] == key[0] and k[1] > key[1]]:
            del self.counts[deeper]  # a new item restarts the levels under it
        fmt, pattern = self.levels[key]
        return pattern.replace(f"%{key[1] + 1}", _numeral(self.counts[key], fmt)) + text


def _num_props(props: Any, style: Any) -> Any:
    """The paragraph's list numbering: its own, or its style's (List Number), or a base style's."""
    if props is not None and props.numPr is not None:
        return props.numPr
    while style is not None:
        own = style.element.pPr
        if own is not None and own.numPr is not None:
            return own.numPr
        style = style.base_style
    return None


def _numeral(n: int, fmt: str) -> str:
    if fmt.startswith(("chineseCounting", "ideographDigital", "taiwaneseCounting")) and n < 100:
        tens, units = divmod(n, 10)
        return (
            (CN_DIGITS[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (CN_DIGITS[units - 1] if units else "")
        )
    if fmt == "decimalEnclosedCircle" and n <= len(CIRCLED):
        return CIRCLED[n - 1]
    return str(n)
