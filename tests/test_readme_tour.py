"""The README's tour shows the real output of each command: this test runs them and compares.

After a change of output, regenerate the blocks with:  REFORMCTL_UPDATE_README=1 pytest tests/test_readme_tour.py
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run

README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- tour(?: (\w+))? -->\n```console\n)(.*?)(```\n)", re.S)
# The files a tour's reader is assumed to have at hand, in its folder.
AT_HAND = {"nextyear": {"实施方案.md": ROOT / "tests" / "source" / "notice-province.md"}}


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


def test_tour_output_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each tour (the clerk's week, the provincial office's month, next year's notice) in a folder of its own."""
    monkeypatch.setenv("COLUMNS", "100")
    text = README.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 6, "the tours have their console blocks"
    replayed = []
    for _, name, block, _ in blocks:
        folder = tmp_path / (name or "week")
        if not folder.exists():
            folder.mkdir()
            for file, source in AT_HAND.get(name, {}).items():
                shutil.copyfile(source, folder / file)
        if not Path.cwd().is_relative_to(folder):  # a tour goes on where its last block left it
            monkeypatch.chdir(folder)
        replayed.append(replay(block))
    if os.environ.get("REFORMCTL_UPDATE_README"):
        parts = iter(replayed)
        README.write_text(BLOCK.sub(lambda m: m.group(1) + next(parts) + m.group(4), text), encoding="utf-8")
    assert [block for _, _, block, _ in blocks] == replayed
