"""A notice's file as paragraphs: Word (.docx, through python-docx), plain text (.txt, in UTF-8,
UTF-8 with a BOM, or GB18030 as offices still save it) or Markdown (.md)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from reformctl.errors import ReformctlError, need
from reformctl.files import display, read_bytes
from reformctl.notice import CIRCLED, CN_DIGITS
from reformctl.zipped import check

KINDS = (".docx", ".txt", ".md")


def paragraphs(path: Path) -> tuple[list[str], list[str]]:
    """The file's paragraphs, and notes on how it was read (an encoding, automatic numbering)."""
    name = display(path)
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise ReformctlError(f"{name}: 只能读取 {'、'.join(KINDS)} 格式的通知；其他格式请先另存为 .docx 或 .txt")
    raw = read_bytes(path, name, "通知文件")
    if kind == ".docx":
        return _docx(raw, name)
    text, notes = _decode(raw, name)
    lines = text.splitlines()
    if kind == ".md":
        lines = [_plain(line) for line in lines]
    return lines, notes


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


def _docx(raw: bytes, name: str) -> tuple[list[str], list[str]]:
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
    if document.tables:
        notes.append(f"{name} 中有 {len(document.tables)} 个表格，表格内容未读取")
    return found, notes


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
