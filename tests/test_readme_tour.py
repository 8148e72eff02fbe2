"""The README's tour shows the real output of each command: this test runs them and compares.

After a change of output, regenerate the blocks with:  REFORMCTL_UPDATE_README=1 pytest tests/test_readme_tour.py
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT, run

README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- tour -->\n```console\n)(.*?)(```\n)", re.S)


def replay(block: str) -> str:
    """Run every `$ reformctl ...` line of a block; return the block with their real output."""
    out = []
    for line in block.splitlines():
        if line.startswith("$ reformctl "):
            result = run(*shlex.split(line)[2:])
            assert result.exit_code == 0, line + "\n" + result.output
            out.append(line)
            out.extend(result.stdout.rstrip("\n").splitlines())
    return "\n".join(out) + "\n"


def test_tour_output_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = README.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 4, "the tour has its console blocks"
    replayed = [replay(block) for _, block, _ in blocks]
    if os.environ.get("REFORMCTL_UPDATE_README"):
        parts = iter(replayed)
        README.write_text(BLOCK.sub(lambda m: m.group(1) + next(parts) + m.group(3), text), encoding="utf-8")
    assert [block for _, block, _ in blocks] == replayed
