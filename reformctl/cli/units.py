"""Units in their own repositories: fetch brings each unit's repository into the one local mirror."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

    每个单位一行：已更新、未变，或获取失败及 git 给出的原因；有单位失败时退出码为 1。
    例：reformctl fetch ；reformctl fetch --units units.yaml --jobs 4
    """
    from reformctl import fetching

    path = manifest_path(units)
    made = manifest.load(path)
    failed = 0
    for got in fetching.fetch(made.units, path.resolve().parent, jobs):
        name = line(got.unit.name)
        if got.error:
            failed += 1
            say(f"获取失败 {name}：{got.error}")
        elif got.old == got.new:
            say(f"未变 {name}")
        elif got.old is None:
            say(f"已更新 {name}：{(got.new or '')[:7]}（首次获取）")
        else:
            say(f"已更新 {name}：{got.old[:7]}..{(got.new or '')[:7]}")
    if failed:
        raise typer.Exit(1)
