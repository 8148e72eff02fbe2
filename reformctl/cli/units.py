"""Units in their own repositories: fetch brings each unit's repository into the one local mirror."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from reformctl import manifest
from reformctl.cli.output import say
from reformctl.cli.registry import command
from reformctl.errors import UsageError
from reformctl.plain import line

UnitsOption = Annotated[
    Path | None, typer.Option("--units", metavar="FILE", help="单位清单（默认为当前文件夹的 units.yaml）")
]


def manifest_path(units: Path | None) -> Path:
    """The manifest asked for, or ./units.yaml."""
    path = units or Path(manifest.NAME)
    if units is None and not path.is_file():
        raise UsageError("当前文件夹没有 units.yaml：请用 --units 指定单位清单")
    return path


@command
def fetch(
    units: UnitsOption = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=64, help="同时获取的单位数")] = 8,
) -> None:
    """把清单中每个单位的仓库获取到本机缓存中的镜像仓库（只读取数据，不运行其中任何内容）。

    每个单位一行：已更新、未变，或获取失败及 git 给出的原因；在终端上显示进度条，只列出已更新和失败的单位。
    有单位失败时退出码为 1。例：reformctl fetch ；reformctl fetch --units units.yaml --jobs 4
    """
    from reformctl import fetching
    from reformctl.render.table import terminal

    path = manifest_path(units)
    made = manifest.load(path)
    fetched = fetching.fetch(made.units, path.resolve().parent, jobs)
    results = _with_progress(fetched, len(made.units)) if terminal() else _each_line(fetched)
    failed = sum(bool(got.error) for got in results)
    if failed:
        raise typer.Exit(1)


def said(got: Any) -> str:
    name = line(got.unit.name)
    if got.error:
        return f"获取失败 {name}：{got.error}"
    if got.old == got.new:
        return f"未变 {name}"
    if got.old is None:
        return f"已更新 {name}：{(got.new or '')[:7]}（首次获取）"
    return f"已更新 {name}：{got.old[:7]}..{(got.new or '')[:7]}"


def _each_line(fetched: Iterator[Any]) -> list[Any]:
    """Piped: one line per unit, as each is done."""
    results = []
    for got in fetched:
        say(said(got))
        results.append(got)
    return results


def _with_progress(fetched: Iterator[Any], total: int) -> list[Any]:
    """On a terminal: a progress bar, the units updated or failed printed above it, and a total."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    results = []
    columns = (TextColumn("获取"), BarColumn(), MofNCompleteColumn(), TextColumn("已用"), TimeElapsedColumn())
    with Progress(*columns, console=Console(highlight=False, emoji=False), transient=True) as bar:
        task = bar.add_task("fetch", total=total)
        for got in fetched:
            if got.error or got.old != got.new:
                bar.console.print(Text(said(got)), soft_wrap=True)  # the terminal folds it, mid-word if it must
            bar.advance(task)
            results.append(got)
    counts = [sum(bool(g.error) for g in results), sum(not g.error and g.old != g.new for g in results)]
    say(f"共 {len(results)} 个单位：已更新 {counts[1]}，未变 {len(results) - sum(counts)}，获取失败 {counts[0]}")
    return results
