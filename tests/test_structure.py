"""The package's shape holds: imports run one way (data → load → query/edit → render → cli), the
README's import graph is the code's, and each command imports only what it uses."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "reformctl"
README = ROOT / "README.md"

# Each layer may import its own and the layers before it, never a later one.
LAYERS = {
    "data": ["__init__", "errors", "models", "plain"],
    "load": ["files", "zipped", "cache", "loader", "messages", "reader", "notice", "sources"],
    "query/edit": ["query", "checks", "report", "rollup", "forms", "splice", "derive", "git", "edit", "intake", "mail"],
    "render": ["render"],
    "cli": ["completion", "cli", "__main__"],
}
WRITERS = {"edit", "splice", "git", "derive"}  # what renderers never import


def unit(path: Path) -> str:
    """A module's name for the graph: render/ and cli/ are one unit each."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if len(parts) > 1 else parts[0]


def imports(path: Path) -> set[str]:
    """The reformctl units a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "reformctl":
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names if alias.name != "__version__")
                found.update("__init__" for alias in node.names if alias.name == "__version__")
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("reformctl."))
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        edges.setdefault(unit(path), set()).update(imports(path) - {unit(path)})
    return edges


def test_imports_run_one_way():
    layer = {name: n for n, names in enumerate(LAYERS.values()) for name in names}
    edges = graph()
    assert set(edges) == set(layer), "every module has its place in LAYERS"
    backwards = [(a, b) for a, targets in edges.items() for b in targets if layer[b] > layer[a]]
    assert backwards == []
    assert edges["render"] & WRITERS == set()


def graph_text() -> str:
    edges = graph()
    order = [name for names in LAYERS.values() for name in names]
    lines = []
    for title, names in LAYERS.items():
        lines.append(f"{title}:")
        for name in names:
            shown = f"{name}/" if (PACKAGE / name).is_dir() else name
            uses = " ".join(sorted(edges[name], key=order.index))
            lines.append(f"  {shown:<12} → {uses}" if uses else f"  {shown}")
    return "\n".join(lines)


def test_the_readme_draws_the_import_graph_of_the_code():
    text = README.read_text(encoding="utf-8")
    drawn = re.search(r"<!-- imports -->\n```text\n(.*?)\n```", text, re.S)
    assert drawn is not None, "README has an <!-- imports --> block"
    if os.environ.get("REFORMCTL_UPDATE_README"):
        README.write_text(text.replace(drawn.group(1), graph_text()), encoding="utf-8")
        return
    assert drawn.group(1) == graph_text(), "run REFORMCTL_UPDATE_README=1 pytest tests/test_structure.py"


def test_no_module_is_too_long():
    """About 350 lines a module, 50 a function unless its docstring says why."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") <= 360, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.end_lineno is not None:
                assert node.end_lineno - node.lineno < 50, f"{path}:{node.lineno} {node.name}"


LOADED = """
import json, sys
from reformctl.cli import app
try:
    app(sys.argv[1:], prog_name="reformctl")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, cwd=cwd)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def families(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} | {m for m in modules if m.startswith("reformctl.")}


@pytest.mark.slow
def test_each_command_imports_what_it_uses(plan_file: Path, tmp_path: Path):
    for args in (["status", "set", "6.2", "doing"], ["due", "set", "6.2", "2020-12-31"], ["undo", "6.2"], ["validate"]):
        found = families(loaded(*args, cwd=tmp_path))
        assert "rich" not in found and "reformctl.render.console" not in found, args
    assert "reformctl.edit" not in families(loaded("list", cwd=tmp_path))
    warm = families(loaded("list", "--dept", "学会部", cwd=tmp_path))  # the cache was filled just above
    assert "yaml" not in warm and "reformctl.reader" not in warm and "rich" in warm
    assert "rich" not in families(loaded("list", "--format", "json", cwd=tmp_path))
