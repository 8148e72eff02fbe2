"""The package's shape holds: imports run one way (data → load → query/edit → render → cli), the
import graph in docs/development.md is the code's, and each command imports only what it uses."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from regions import region, replaced

PACKAGE = ROOT / "reformctl"
DEVELOPMENT = ROOT / "docs" / "development.md"

# Each layer may import its own and the layers before it, never a later one.
LAYERS = {
    "data": ["__init__", "errors", "keys", "models", "schema", "plain", "addresses", "deadlines"],
    "load": [
        *("files", "zipped", "cache", "loader", "messages", "reader", "manifest"),
        *("notice", "paragraphs", "tables", "tasklist", "sources"),
    ],
    "query/edit": [
        "inputs",
        "query",
        "checks",
        "report",
        "rollup",
        "forms",
        "splice",
        "derive",
        "git",
        "rewrite",
        "edit",
        "intake",
        "mail",
        "mirror",
        "signatures",
        "fetching",
        "mirrored",
    ],
    "render": ["render"],
    "use cases": ["remind"],
    "cli": ["completion", "cli", "__main__"],
}
WRITERS = {"edit", "rewrite", "splice", "git", "derive"}  # what renderers never import


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


def test_the_development_page_draws_the_import_graph_of_the_code():
    text = DEVELOPMENT.read_text(encoding="utf-8")
    drawn = f"```text\n{graph_text()}\n```\n"
    if os.environ.get("REFORMCTL_UPDATE_DOCS"):
        DEVELOPMENT.write_text(replaced(text, "imports", drawn), encoding="utf-8")
        return
    assert region(text, "imports") == drawn, "stale: run REFORMCTL_UPDATE_DOCS=1 pytest tests/test_structure.py"


def test_the_graph_stands_only_between_its_markers():
    """The generator once replaced every occurrence of the old block's text, and the graph landed
    inside sentences ("paragraph" held the word "graph"): it must appear once, and no sentence
    around it may change when it is redrawn."""
    text = DEVELOPMENT.read_text(encoding="utf-8")
    assert text.count("__main__     → cli") == 1 and "paradata:" not in text
    page = "a paragraph, a graph.\n<!-- begin imports -->\ngraph\n<!-- end imports -->\ngraph again\n"
    assert replaced(page, "imports", "new\n") == page.replace("\ngraph\n<!--", "\nnew\n<!--")
    for broken in ("no markers at all", page + page):
        with pytest.raises(AssertionError):
            replaced(broken, "imports", "new\n")


def test_no_module_is_too_long():
    """A tripwire, not a target: a module past 400 lines or a function past 50 is asked to show
    that it still has one job. Jobs decide the splits (models.py lost its schema to schema.py,
    edit.py its write path to rewrite.py); nothing is squeezed to fit a number."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") <= 400, path
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


def test_the_command_table_is_the_only_list_of_commands():
    """cli.COMMANDS names every command once; each entry is a marked command (or a Typer group)
    of the module it names, and no marked command or group is left out of it."""
    import importlib

    import typer

    from reformctl.cli import COMMANDS

    listed = set(COMMANDS.values())
    defined = set()
    for path in (p for p in (PACKAGE / "cli").glob("*.py") if p.stem != "__init__"):  # not the group itself
        module = importlib.import_module(f"reformctl.cli.{path.stem}")
        for attribute, value in vars(module).items():
            if getattr(value, "reformctl_command", False) or isinstance(value, typer.Typer):
                defined.add(f"{path.stem}:{attribute}")
    assert defined == listed
    assert len(COMMANDS) == 20 and {"list", "status", "import", "remind", "rollup"} <= set(COMMANDS)


def test_every_renderer_in_the_registry_is_a_function_of_its_module():
    """FORMATS names real functions (the type checker sees them); each is imported on first call."""
    import importlib
    import inspect

    from reformctl.render import FORMATS

    for command, formats in FORMATS.items():
        for fmt, renderer in formats.items():
            module, name = renderer.__name__.split(".")
            found = getattr(importlib.import_module(f"reformctl.render.{module}"), name)
            assert len(inspect.signature(found).parameters) == 2, (command, fmt)
