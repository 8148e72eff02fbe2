"""How fast reformctl is, as whole processes, at the sizes plans reach.

    python benchmarks/bench.py            # the real plan (37 items), 1,000 and 10,000 items
    python benchmarks/bench.py --large    # and 100,000 items, and a roll-up of 3,000 unit plans (a few minutes)

Each figure is the median of several runs after a warm-up, with the median ratio to a floor
run just before each of them: a do-nothing Typer app that imports only typer (the framework's
own start-up, which no command can go below). A second floor, the same app importing the
libraries reformctl uses (pydantic, PyYAML, rich), is printed for comparison. The machine is
shared and noisy, so compare ratios within one run, not across runs. Peak memory is the
largest resident set of any run (from wait4). Plain Python: no extra dependency; it runs the
`reformctl` installed beside this interpreter.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "tasks-2020.yaml"
DEPTS = [("调宣部", "调研宣传部"), ("组人部", "组织人事部"), ("科普部", "科学技术普及部"), ("学会部", "学会学术部"),
         ("办公厅", "办公厅"), ("国际部", "国际联络部"), ("计财部", "计划财务部")]  # fmt: skip
MIB = 2**20
TEXT = "完善助力地方和区域高质量发展模式，突出会地合作、上下联动，强化与地方党委政府合作，共建试点城市"

FLOOR = """\
import typer

app = typer.Typer()


@app.command()
def main(dept: str = "") -> None:
    pass


app()
"""

FLOOR_WITH_LIBRARIES = "import yaml, pydantic, rich.console, rich.table\n" + FLOOR
# The floor as reformctl runs: what is loaded by then is frozen out of the garbage collector's sight
# (see models.no_gc), so the interpreter's exit does not scan it again.
FLOOR_FROZEN = FLOOR.replace("    pass\n", "    import gc\n\n    gc.freeze()\n")

TERMINAL = " (terminal)"  # a case whose name ends so runs with its output on a terminal, in colour

# command, argv, target ratio at 37 items, at 10,000 items
CASES = [
    ("list --dept 学会部", ["list", "--dept", "学会部"], 1.25, 2.5),
    ("list --dept 学会部" + TERMINAL, ["list", "--dept", "学会部"], None, None),
    ("list --dept 学会部 --format json", ["list", "--dept", "学会部", "--format", "json"], None, 1.6),
    ("show ID", ["show", "{last}"], None, None),
    ("validate", ["validate"], None, None),
    ("validate (first read)", ["validate"], None, 6.0),
    ("status set", ["status", "set", "{last}", "{status}", "--date", "2026-01-01"], 1.25, 6.0),
]


def generate(items: int) -> str:
    """A plan in the project's own format: tasks of 100 items, leads spread over 7 departments,
    a deadline on every third item and a history record on every fifth."""
    out = [
        "# yaml-language-server: $schema=../schemas/plan.schema.json",
        "version: 1",
        "document: {title: 基准计划, number: 基准〔2026〕1号, issuer: 基准办公室}",
        "departments:",
        *(f"  - {{id: {short}, name: {full}}}" for short, full in DEPTS),
        "tasks:",
    ]
    per_task = 100
    for t in range(1, (items + per_task - 1) // per_task + 1):
        out += [f'  - id: "{t}"', f"    title: 第{t}项任务", f"    lead: [{DEPTS[t % 7][0]}]", "    items:"]
        for i in range(1, min(per_task, items - (t - 1) * per_task) + 1):
            n = (t - 1) * per_task + i
            out += [f'      - id: "{t}.{i}"', f"        text: {TEXT}（第{n}项）", "        status: todo"]
            if n % 3 == 0:
                out.append(f"        due: 2026-{n % 12 + 1:02d}-15")
            if n % 5 == 0:
                out += ["        history:", "          - {date: 2026-01-05, from: todo, status: todo, note: 已部署}"]
    return "\n".join(out) + "\n"


def pad(text: str, width: int) -> str:
    """Left-justify in terminal cells: a Chinese character takes two."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cells)


def reformctl() -> list[str]:
    script = Path(sys.executable).parent / "reformctl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reformctl"]


def run_once(argv: list[str], cwd: Path, env: dict[str, str], terminal: bool = False) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in bytes of one whole process, its output
    discarded, or shown on a pseudo-terminal (read as it comes) as a clerk's screen would."""
    screen = pty.openpty() if terminal else None
    if terminal:
        env = {key: value for key, value in env.items() if key != "NO_COLOR"}
    start = time.perf_counter()
    stdout = screen[1] if screen else subprocess.DEVNULL
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    if screen:
        os.close(screen[1])
        reader = threading.Thread(target=drain, args=(screen[0],))
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if screen:
        reader.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss * 1024


def drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal's other side closed
        pass
    finally:
        os.close(fd)


def measure(argv, cwd, env, runs, before=None, floor=None, terminal=False) -> tuple[float, float, int]:
    """Median wall time, median ratio to the floor and peak memory. Each timed run is paired
    with a run of the floor just before it, so a machine that slows down for a while slows
    both sides of a ratio alike."""
    times, ratios, peak = [], [], 0
    for n in range(runs + 1):  # the first is the warm-up
        if before:
            before()
        reference = run_once(floor, cwd, env)[0] if floor else 1.0
        elapsed, rss = run_once(argv, cwd, env, terminal)
        peak = max(peak, rss)
        if n:
            times.append(elapsed)
            ratios.append(elapsed / reference)
    return statistics.median(times), statistics.median(ratios), peak


def overdue(plan: str) -> str:
    """The same unit plan with a deadline long past on every row: every unit is late on everything."""
    return re.sub(r"^( +)status: todo\n", r"\1status: todo\n\1due: 2020-10-01\n", plan, flags=re.M)


def rollup_tree(folder: Path, env: dict[str, str], cmd: list[str], late: bool) -> None:
    """A national roll-up: 30 provincial plans and 2,970 county plans under them (3,000 files of
    37 items), each derived by `reformctl init --unit` and carried up the chain to the top plan."""
    folder.mkdir()
    for argv in (["init"], ["init", "--unit", "省0", "--level", "省级", "-o", "plans/p0/tasks-2020.yaml"],
                 ["init", "--unit", "县0", "--level", "县级", "--parent", "plans/p0/tasks-2020.yaml",
                  "-o", "plans/p0/c0/tasks-2020.yaml"]):  # fmt: skip
        subprocess.run(cmd + argv, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
    province = (folder / "plans/p0/tasks-2020.yaml").read_text(encoding="utf-8")
    county = (folder / "plans/p0/c0/tasks-2020.yaml").read_text(encoding="utf-8")
    if late:
        province, county = overdue(province), overdue(county)
    for p in range(30):
        for c in range(99):
            target = folder / f"plans/p{p}/c{c}/tasks-2020.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(county.replace("县0", f"县{p}-{c}"), encoding="utf-8")
        (folder / f"plans/p{p}/tasks-2020.yaml").write_text(province.replace("省0", f"省{p}"), encoding="utf-8")


def rollup_rung(base: Path, env: dict[str, str], cmd: list[str], runs: int) -> int:
    """3,000 plans cold (every file read for the first time) and warm; and warm with every unit
    overdue on every row, which must cost no more than 10 % above the plain warm roll-up."""
    failures, warm = 0, {}
    for late in (False, True):
        folder = base / ("rollup-late" if late else "rollup")
        rollup_tree(folder, env, cmd, late)
        argv = cmd + ["rollup", "plans", "--format", "json"]
        rungs = [("rollup, 3,000 plans (warm)", 5.0, None)]
        if late:
            rungs = [("rollup, 3,000 plans all overdue", None, None)]
        else:
            rungs.insert(
                0, ("rollup, 3,000 plans (cold)", 60, partial(shutil.rmtree, base / "cache", ignore_errors=True))
            )
        for name, limit, before in rungs:
            median, _, peak = measure(argv, folder, env, runs, before)
            warm[late] = median
            if limit is None:
                ratio = median / warm[False]
                ok, target, shown = ratio <= 1.10, "≤1.1×", f"{ratio:>8.2f}×"
            else:
                ok, target, shown = median <= limit, f"≤{limit:g}s", f"{'':>9}"
            failures += not ok
            figures = f"{median * 1000:>8.0f}ms{shown}{peak / MIB:>6.0f}MiB"
            print(f"{pad(name, 34)}{111_000:>8,}{figures}{target:>8}  {'yes' if ok else 'NO'}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (after one warm-up)")
    parser.add_argument("--large", action="store_true", help="also 100,000 items (validate and peak memory)")
    parser.add_argument("--sizes", help="only these sizes, comma-separated (e.g. 37,10000)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="reformctl-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(base / "cache"), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("REFORMCTL_FILE", None)
    env.pop("REFORMCTL_NO_CACHE", None)
    (base / "floor.py").write_text(FLOOR, encoding="utf-8")
    (base / "floor-libraries.py").write_text(FLOOR_WITH_LIBRARIES, encoding="utf-8")
    (base / "floor-frozen.py").write_text(FLOOR_FROZEN, encoding="utf-8")
    cmd = reformctl()
    try:
        floor_argv = [sys.executable, str(base / "floor.py")]
        floor, _, floor_rss = measure(floor_argv, base, env, args.runs)
        libraries, ratio, _ = measure([sys.executable, str(base / "floor-libraries.py")], base, env, args.runs,
                                      floor=floor_argv)  # fmt: skip
        frozen, frozen_ratio, _ = measure([sys.executable, str(base / "floor-frozen.py")], base, env, args.runs,
                                          floor=floor_argv)  # fmt: skip
        bare, _, _ = measure([sys.executable, "-c", "pass"], base, env, args.runs)
        print(f"reformctl benchmark · {os.cpu_count()} cores · Python {sys.version.split()[0]} · median of {args.runs}")
        print(
            f"floor: do-nothing Typer app {floor * 1000:.0f} ms, {floor_rss / MIB:.0f} MiB "
            f"(the ratios below are to this floor); python -c pass {bare * 1000:.0f} ms"
        )
        print(
            f"the same app importing pydantic, PyYAML and rich too: {libraries * 1000:.0f} ms, {ratio:.2f}× the floor"
        )
        print(
            f"the same app freezing the collector's objects at the end, as reformctl does: {frozen * 1000:.0f} ms, "
            f"{frozen_ratio:.2f}× the floor"
        )
        print()
        header = f"{pad('command', 34)}{'items':>8}{'median':>10}{'× floor':>9}{'peak':>9}{'target':>8}  ok"
        print(header)
        print("-" * len(header))
        sizes = [37, 1_000, 10_000] + ([100_000] if args.large else [])
        if args.sizes:
            sizes = [int(size) for size in args.sizes.split(",")]
        failures = 0
        for size in sizes:
            folder = base / str(size)
            (folder / "data").mkdir(parents=True)
            plan = folder / "data" / "tasks-2020.yaml"
            pristine = REAL.read_text(encoding="utf-8") if size == 37 else generate(size)
            plan.write_text(pristine, encoding="utf-8")
            last = "12.3" if size == 37 else f"{(size + 99) // 100}.{(size - 1) % 100 + 1}"
            for name, argv, target_small, target_10k in CASES:
                if size == 100_000 and name != "validate (first read)" or size == 1_000 and name.endswith(TERMINAL):
                    continue
                target = target_small if size == 37 else target_10k if size == 10_000 else None
                argv = [a.replace("{last}", last).replace("{status}", "doing") for a in argv]
                before = None
                if name == "validate (first read)":  # each run reads the file for the first time
                    before = partial(shutil.rmtree, base / "cache", ignore_errors=True)
                elif name == "status set":  # each run writes a fresh copy (not timed)
                    before = partial(plan.write_text, pristine, encoding="utf-8")
                runs = args.runs if size < 100_000 else 3
                terminal = name.endswith(TERMINAL)
                median, ratio, peak = measure(cmd + argv, folder, env, runs, before, floor_argv, terminal)
                ok = "" if target is None else "yes" if ratio <= target else "NO"
                failures += ok == "NO"
                shown = f"≤{target:g}" if target else ""
                figures = f"{median * 1000:>8.0f}ms{ratio:>8.2f}×{peak / MIB:>6.0f}MiB"
                print(f"{pad(name, 34)}{size:>8,}{figures}{shown:>8}  {ok}")
            if size == 100_000:
                fits = peak < 600 * MIB
                print(f"{'':<42}  peak memory {peak / MIB:.0f} MiB, target < 600 MiB: {'yes' if fits else 'NO'}")
                failures += not fits
        if args.large:
            failures += rollup_rung(base, env, cmd, max(3, min(args.runs, 5)))
        print()
        print("all targets met" if not failures else f"{failures} target(s) missed")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
