"""Zip files people send (a returned form, a notice in Word): held within bounds before any parser
opens them.

An xlsx or a docx is a zip of XML, and a small one can unpack to gigabytes: a 315 KB form whose
one shared string is 300 MiB, a 2 MB .docx whose document.xml is 2 GiB. openpyxl and python-docx
unpack a member whole, so before either sees the file every member is checked here, first by
the size its header declares, then by what it really unpacks to, a chunk at a time, never kept.

The cap is the one every file the tool reads is held to, REFORMCTL_MAX_MB (64 MiB unless set):
for each member and for all of them together, as if each had been a file of its own. A real form
or notice is well under a megabyte of XML (pictures in a notice are already compressed, so they
unpack to about the size they add to the file), while 64 MiB of XML is already more than a
parser should be asked to build in memory. No ratio bound: Excel's rows of formatted empty cells
compress a hundredfold and more, and the cap alone bounds the work.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from reformctl.errors import Unreadable
from reformctl.files import max_bytes, too_big

# How Excel, Word and LibreOffice store members. zipfile unpacks bzip2 and LZMA in one call per
# read, with no bound on what one call returns: a small member of those could still fill memory.
METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# A form has about a dozen members, a notice with pictures a few hundred. zipfile keeps some 600
# bytes for each member it lists, and a 64 MiB file can list 800,000 empty ones (near 500 MiB).
MEMBERS = 10_000
CHUNK = 1 << 20


def check(raw: bytes, name: str) -> None:
    """Refuse, in one clear line, a zip that unpacks to more than the cap, or that cannot be
    unpacked as its headers say. What is not a zip at all is left to the parser to name."""
    # Every member zipfile lists starts with this signature: counted before it lists them.
    listed = raw.count(b"PK\x01\x02")
    if listed > MEMBERS:
        raise Unreadable(name, f"其中有 {listed} 个部分，远多于 Office 文件会有的（至多 {MEMBERS} 个），未读取")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except Exception:  # not a zip, or a broken one: the parser that follows says which
        return
    with archive:
        members = archive.infolist()
        _declared(members, name)
        room = max_bytes()
        for info in members:
            room -= _unpacked(archive, info, name, room)


def _declared(members: list[zipfile.ZipInfo], name: str) -> None:
    limit = max_bytes()
    for info in members:
        if info.compress_type not in METHODS:
            raise Unreadable(name, f"其中的 {info.filename} 用了 Office 文件不用的压缩方式，为安全起见未读取")
        if info.flag_bits & 0x1:
            raise Unreadable(name, f"其中的 {info.filename} 设了密码，请去掉密码后再试")
        if info.file_size > limit:
            raise Unreadable(name, too_big(limit, f"其中的 {info.filename} 解压后有 {mib(info.file_size)} MiB，"))
    total = sum(info.file_size for info in members)
    if total > limit:
        biggest = max(members, key=lambda info: info.file_size).filename
        raise Unreadable(name, too_big(limit, f"解压后合计 {mib(total)} MiB（最大的是其中的 {biggest}），"))


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, room: int) -> int:
    """How much the member really unpacks to, counted to at most `room` bytes and then refused:
    never more than a chunk of it in memory."""
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > room:
                    raise Unreadable(name, too_big(max_bytes(), f"其中的 {info.filename} 解压后"))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
        size = -1
    # zipfile stops at the declared size, and more is then a checksum error; but its read() of a
    # whole member (python-docx's) unpacks up to 2 GiB in one call before it stops, so a header
    # that understates the size fills memory there, never here, a chunk at a time.
    if size != info.file_size:
        raise Unreadable(name, f"其中的 {info.filename} 已损坏，解压出的内容与文件头所记的不符；请重新保存后再试")
    return size


def mib(size: int) -> str:
    """A size in MiB, to a tenth when that says it is over a cap of 64: 64.2 MiB, 300 MiB."""
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")
