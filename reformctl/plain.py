"""People's text as plain text in every output: never markup, code or a formula.

Notes, unit names and item texts are typed by many people and shown to others. Each output
escapes them its own way: terminals see control characters and bidi marks as visible escapes
(as git quotes odd bytes in paths), Markdown sees its markup characters escaped, CSV and xlsx
never see a cell start a formula. HTML uses html.escape; JSON keeps the exact text.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line and paragraph separators, the bidi marks, embeddings, overrides
# and isolates (U+202A–U+202E, U+2066–U+2069), and lone surrogates (bytes that were not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BREAK = re.compile(r"\r\n|[\n\t]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python's surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Control characters and bidi marks as visible escapes (\\x1b, \\u202e); line breaks kept."""
    if not _UNSAFE.search(text):
        return text
    return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))


_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def line(text: str) -> str:
    """For a message: one line whatever it quotes. Line breaks and tabs too become visible
    escapes (\\n, as git quotes a path), so a name or note typed with a line break can never
    forge a second line of the message; controls and bidi marks as visible() shows them."""
    return visible(text).translate(_BREAKS)


def one_line(text: str) -> str:
    """For a table cell or a line of a report: line breaks and tabs as spaces, controls escaped."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, _BREAK.sub(" ", text))


def has_bad_bytes(text: str) -> bool:
    """Whether a command-line argument held bytes that were not UTF-8."""
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in text)


# ---------------------------------------------------------------- Markdown

_MD = re.compile(r"([\\`*_\[\]<>#|~&])")
_MD_START = re.compile(r"^(\s*|\s*\d+)([-+=]|(?<=\d)[.)])")


def md(text: str) -> str:
    """Inline Markdown: one line, markup characters escaped (a backslash stays a backslash)."""
    return _MD.sub(r"\\\1", one_line(text))


def md_block(text: str) -> str:
    """A paragraph or heading: also what would start a list, a quote or a rule at its start."""
    return _MD_START.sub(r"\1\\\2", md(text))


# ---------------------------------------------------------------- spreadsheets

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """OWASP's advice against CSV injection: a cell that could start a formula gets a leading '."""
    return "'" + text if text.startswith(FORMULA_START) else text


# What an xlsx or docx cell must not hold raw: the controls the format forbids, and the bidi
# marks that would reorder what a reader of the sheet or the Word report sees.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def xlsx_text(text: str) -> str:
    """What an xlsx (or docx) cell can hold: forbidden controls and bidi marks as visible escapes,
    and line breaks as the LF that the file's XML keeps (a lone CR would come back as LF anyway)."""
    return _XLSX_ILLEGAL.sub(_escape, text.replace("\r\n", "\n").replace("\r", "\n"))
