"""The tours in the docs show the real output of each command: this test runs them and compares.

A tour is every `<!-- tour NAME -->` console block of README.md and docs/*.md with that NAME: its
blocks run in order, in a folder of their own, so each goes on where the one before left it.
After a change of output, regenerate the blocks with:  REFORMCTL_UPDATE_DOCS=1 pytest tests/test_tours.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, run

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- tour(?: (\w+))? -->\n```console\n)(.*?)(```\n)", re.S)
# The files a tour's reader is assumed to have at hand, in its folder: a file to copy there when
# the tour starts, or a function that makes it (from what the tour has written so far) just
# before the first block that names it.


def filled_in(folder: Path) -> None:
    """国际部's form as it comes back in docs/tour-forms.md: what its table says 国际部 typed, and no more."""
    from openpyxl import load_workbook

    book = load_workbook(folder / "国际部.xlsx")
    sheet = book["国际部"]
    assert (sheet["A4"].value, sheet["A5"].value) == ("7.1", "7.2")
    sheet["I4"], sheet["J4"], sheet["K4"] = "推进中", dt.date(2020, 9, 7), "已与三家海外科技组织建立联络"
    sheet["J5"], sheet["L5"], sheet["M5"] = "2020年9月9日", dt.date(2020, 12, 31), "等待相关部门批复"
    book.save(folder / "国际部-已填.xlsx")


AT_HAND: dict[str, dict[str, Path | Callable[[Path], None]]] = {
    "nextyear": {"实施方案.md": ROOT / "tests" / "source" / "notice-province.md"},
    "forms": {"国际部-已填.xlsx": filled_in},
}


def toured() -> list[Path]:
    return [page for page in PAGES if BLOCK.search(page.read_text(encoding="utf-8"))]


def replay(block: str) -> str:
    """Run every `$ reformctl ...` line of a block (and `$ cd`); return the block with their real output."""
    out = []
    for line in block.splitlines():
        if line.startswith("$ cd "):
            os.chdir(line[5:])
            out.append(line)
        elif line.startswith("$ reformctl "):
            result = run(*shlex.split(line)[2:])
            assert result.exit_code == 0, line + "\n" + result.output
            out.append(line)
            out.extend(result.stdout.rstrip("\n").splitlines())
    return "\n".join(out) + "\n"


def test_the_tours_are_there():
    blocks = [block for page in PAGES for block in BLOCK.findall(page.read_text(encoding="utf-8"))]
    assert len(blocks) >= 11, "the tours have their console blocks"


def test_each_tour_is_on_one_page():
    """A tour's blocks share a folder and run in order: that order is only clear on one page."""
    pages: dict[str, set[str]] = {}
    for page in PAGES:
        for _, name, _, _ in BLOCK.findall(page.read_text(encoding="utf-8")):
            pages.setdefault(name or "week", set()).add(page.name)
    assert all(len(found) == 1 for found in pages.values()), pages


@pytest.mark.parametrize("page", toured(), ids=[page.name for page in toured()])
def test_tour_output_is_real(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each tour (the clerk's week, the provincial office's month, next year's notice...) in a folder of its own."""
    monkeypatch.setenv("COLUMNS", "100")
    text = page.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    replayed = []
    for _, name, block, _ in blocks:
        folder = tmp_path / (name or "week")
        at_hand = AT_HAND.get(name, {})
        if not folder.exists():
            folder.mkdir()
            for file, source in at_hand.items():
                if isinstance(source, Path):
                    shutil.copyfile(source, folder / file)
        if not Path.cwd().is_relative_to(folder):  # a tour goes on where its last block left it
            monkeypatch.chdir(folder)
        for file, source in at_hand.items():
            if callable(source) and file in block and not (folder / file).exists():
                source(folder)
        replayed.append(replay(block))
    if os.environ.get("REFORMCTL_UPDATE_DOCS"):
        parts = iter(replayed)
        page.write_text(BLOCK.sub(lambda m: m.group(1) + next(parts) + m.group(4), text), encoding="utf-8")
    assert [block for _, _, block, _ in blocks] == replayed
