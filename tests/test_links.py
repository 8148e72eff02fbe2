"""Every relative link of the README and of docs/*.md leads somewhere: to a file that exists, and,
with an anchor, to a heading of it (as GitHub names headings)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (full-width too), spaces to hyphens."""
    kept = "".join(c for c in heading.strip().lower() if c in "-_ " or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if m := re.match(r"#{1,6} (.*)", line):
            name = base = slug(m.group(1))
            n = 0
            while name in found:  # a repeated heading is name-1, name-2...
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def links(page: Path) -> list[str]:
    """The targets of the page's links, outside code blocks and code spans."""
    return LINK.findall(CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8"))))


def test_the_slug_is_githubs():
    assert slug("A clerk's week (一周的工作)") == "a-clerks-week-一周的工作"
    assert slug("The file format: `data/tasks-2020.yaml`") == "the-file-format-datatasks-2020yaml"
    assert slug("Mail (`remind --mail`)") == "mail-remind---mail"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_relative_link_leads_somewhere(page: Path):
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no such heading in {file.name}")
    assert broken == [], f"{page.name}: {broken}"


def test_the_pages_link_to_each_other():
    """The README maps every page of docs/, so none is left where nobody finds it."""
    mapped = {Path(target.partition("#")[0]).name for target in links(ROOT / "README.md")}
    assert {page.name for page in PAGES[1:]} <= mapped
