"""How fast reformctl is, as whole processes, at the sizes plans reach.

    python benchmarks/bench.py            # the real plan (37 items), 1,000 and 10,000 items
    python benchmarks/bench.py --large    # and 100,000 items, and a roll-up of 3,000 unit plans (a few minutes)
    python benchmarks/bench.py --unit-repos 300,3000   # units in their own git repositories (several minutes)

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
import json
import os
import pty
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
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
    discarded, or shown on a pseudo-terminal (read as it comes) as a clerk's screen would. Its
    standard error goes to a file: a pipe nobody reads stops a process that says much (a roll-up
    of 3,000 units each 未更新) once the pipe is full."""
    screen = pty.openpty() if terminal else None
    if terminal:
        env = {key: value for key, value in env.items() if key != "NO_COLOR"}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        stdout = screen[1] if screen else subprocess.DEVNULL
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=err)
        if screen:
            os.close(screen[1])
            reader = threading.Thread(target=drain, args=(screen[0],))
            reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if screen:
            reader.join()
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(argv)}\n{err.read().decode('utf-8', 'replace')[-4000:]}")
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


EVIDENCE = 2**20  # bytes of random (incompressible) evidence in each unit repository's history
OFFICE = "data/tasks-2020.yaml"
AS_OF = "2020-12-31"
COLD_TIMEOUT = 60  # seconds a cold roll-up may take before the bench gives up on it
SERVE = "[uploadpack]\n\tallowFilter = true\n\tallowAnySHA1InWant = true\n"


def commit(name: str, when: int, message: str, parent: str, path: str, content: bytes) -> bytes:
    """One fast-import commit on main setting one file: marked :1 if it has no parent."""
    words = message.encode()
    head = "commit refs/heads/main\n" + ("" if parent else "mark :1\n")
    head += f"committer {name} <unit@example.org> {when} +0800\ndata {len(words)}\n"
    body = (f"\nfrom {parent}" if parent else "") + f"\nM 100644 inline {path}\ndata {len(content)}\n"
    return head.encode() + words + body.encode() + content + b"\n"


def build_unit(repo: Path, name: str, plan: bytes) -> None:
    """A bare repository served for partial clones: a commit adding the evidence, then one
    adding the plan (2020-02-01, 2020-03-01), in one git init and one git fast-import."""
    subprocess.run(["git", "init", "-q", "--bare", "--template=", "-b", "main", str(repo)], check=True)
    with open(repo / "config", "a", encoding="utf-8") as config:
        config.write(SERVE)
    stream = commit(name, 1580486400, "佐证材料", "", "佐证材料/scan.pdf", os.urandom(EVIDENCE))
    stream += commit(name, 1582992000, "计划", ":1", OFFICE, plan)
    subprocess.run(["git", f"--git-dir={repo}", "fast-import", "--quiet", "--date-format=raw"], input=stream,
                   check=True)  # fmt: skip


def change_unit(repo: Path, name: str, plan: bytes) -> None:
    """A new commit on the unit's main changing its plan (2020-09-01)."""
    stream = commit(name, 1598889600, "状态更新", "refs/heads/main^0", OFFICE, plan)
    subprocess.run(["git", f"--git-dir={repo}", "fast-import", "--quiet", "--date-format=raw"], input=stream,
                   check=True)  # fmt: skip


def unit_tree(folder: Path, env: dict[str, str], cmd: list[str], count: int) -> dict[str, str]:
    """The office's plan, `count` county units each in its own bare repository (listed in
    units.yaml by file:// URL) and the same plans in plans/uNNNN/ for the folder roll-up."""
    (folder / "repos").mkdir(parents=True)
    for argv in (["init"], ["init", "--unit", "县0", "--level", "县级", "-o", "plans/u0000/tasks-2020.yaml"]):
        subprocess.run(cmd + argv, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
    county = (folder / "plans/u0000/tasks-2020.yaml").read_text(encoding="utf-8")
    plans = {f"县{n}": county.replace("县0", f"县{n}") for n in range(count)}
    manifest = ["units:"]
    for n, (name, plan) in enumerate(plans.items()):
        target = folder / f"plans/u{n:04d}/tasks-2020.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(plan, encoding="utf-8")
        url = (folder / "repos" / f"u{n:04d}.git").as_uri()
        manifest += [f"  - name: {name}", "    level: 县级", f"    url: {url}", "    branch: main"]
        manifest.append(f"    path: {OFFICE}")
    (folder / "units.yaml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = [pool.submit(build_unit, folder / "repos" / f"u{n:04d}.git", name, plan.encode())
                for n, (name, plan) in enumerate(plans.items())]  # fmt: skip
        for job in jobs:
            job.result()
    return plans


def capture(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 3600) -> tuple[float, int, int, str, str]:
    """Wall time, exit code, peak memory, stdout and stderr of one whole process; past the
    timeout it and what it started are killed (exit code -9)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.daemon = True  # an interrupted bench exits at once
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        timer.cancel()
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, *text


def row(name: str, items: int, seconds: float, shown: str, peak: int, target: str, ok: bool | None) -> None:
    figures = f"{seconds * 1000:>8.0f}ms{shown:>9}{peak / MIB:>6.0f}MiB"
    print(f"{pad(name, 34)}{items:>8,}{figures}{target:>8}  {'' if ok is None else 'yes' if ok else 'NO'}")


def fetch_once(folder: Path, env: dict[str, str], cmd: list[str], phase: str, log: list[str]) -> tuple[float, int]:
    """One `fetch --jobs 8`, its time and peak memory; what it said is tallied into the log,
    and any failure (or exit code) kept there word for word."""
    elapsed, code, peak, out, err = capture(cmd + ["fetch", "--units", "units.yaml", "--jobs", "8"], folder, env)
    lines = out.splitlines()
    tally = {word: sum(line.startswith(word) for line in lines) for word in ("已更新", "未变", "获取失败")}
    log.append(f"{phase}: {elapsed:.1f} s, exit {code}, " + ", ".join(f"{k} {v}" for k, v in tally.items()))
    log += [f"  {line}" for line in lines if not line.startswith(("已更新", "未变"))][:10]
    log += [f"  stderr: {line}" for line in err.splitlines()][:10]
    return elapsed, peak


def fetch_rows(folder: Path, env: dict[str, str], cmd: list[str], plans: dict[str, str], runs: int,
               log: list[str]) -> int:  # fmt: skip
    """The first fetch, fetches with nothing changed (median of runs), and one after 1 % of
    the units committed a status set to done (the folder copies changed alike)."""
    count, items = len(plans), len(plans) * 37
    elapsed, peak = fetch_once(folder, env, cmd, "first fetch", log)
    row(f"fetch {count:,} units (first)", items, elapsed, "", peak, "", None)
    times, peak = [], 0
    for n in range(runs if count < 1000 else 1):  # a fetch of thousands takes minutes
        elapsed, rss = fetch_once(folder, env, cmd, f"unchanged fetch {n + 1}", log)
        times.append(elapsed)
        peak = max(peak, rss)
    median = statistics.median(times)
    limit = 90 * count / 3000
    row(f"fetch {count:,} units (unchanged)", items, median, "", peak, f"≤{limit:g}s", median <= limit)
    for n, name in enumerate(plans):
        if n % 100 == 0:
            plans[name] = plans[name].replace("        status: todo\n", "        status: done\n", 1)
            (folder / f"plans/u{n:04d}/tasks-2020.yaml").write_text(plans[name], encoding="utf-8")
            change_unit(folder / "repos" / f"u{n:04d}.git", name, plans[name].encode())
    elapsed, peak = fetch_once(folder, env, cmd, "fetch after 1% changed", log)
    row(f"fetch {count:,} units (1% changed)", items, elapsed, "", peak, "", None)
    return median > limit


def same_rollup(folder: Path, env: dict[str, str], units: list[str], plain: list[str], log: list[str]) -> bool:
    """Whether the `rollup` part of `rollup --units --format json` is the folder roll-up's JSON."""
    results = [capture(argv, folder, env) for argv in (units, plain)]
    for argv, (_, code, _, _, err) in zip((units, plain), results, strict=True):
        if code:
            log.append(f"exit {code}: {' '.join(argv[1:])}\n  stderr: {err.strip()[:2000]}")
    try:
        mirrored, direct = json.loads(results[0][3]), json.loads(results[1][3])
    except json.JSONDecodeError as error:
        log.append(f"not JSON: {error}")
        return False
    same = mirrored.get("rollup") == direct
    if not same and isinstance(mirrored.get("rollup"), dict) and isinstance(direct, dict):
        keys = sorted(k for k in set(mirrored["rollup"]) | set(direct) if mirrored["rollup"].get(k) != direct.get(k))
        log.append(f"JSON differs at top-level keys: {keys}")
    missing = [s for s in mirrored.get("sources", []) if s.get("missing")]
    log.append(f"sources: {len(mirrored.get('sources', []))}, missing: {len(missing)} {missing[:3]}")
    return same


def rollup_rows(folder: Path, env: dict[str, str], cmd: list[str], count: int, runs: int, log: list[str]) -> int:
    """rollup --units once cold (blobs fetched on demand), then warm, each run paired with the
    warm folder roll-up of the same plans; and the JSON of the two compared."""
    tail = ["-f", OFFICE, "--format", "json", "--as-of", AS_OF]
    units, plain = cmd + ["rollup", "--units", "units.yaml", *tail], cmd + ["rollup", "plans", *tail]
    items, failures = count * 37, 0
    for name, argv in ((f"rollup --units {count:,} (cold)", units), (f"rollup plans/ {count:,} (cold)", plain)):
        elapsed, code, peak, _, err = capture(argv, folder, env, COLD_TIMEOUT)
        said = "killed: timed out" if code == -signal.SIGKILL else f"exit {code}"
        log.append(f"{name}: {elapsed:.1f} s, {said}" + (f"\n  stderr: {err.strip()[:2000]}" if code else ""))
        row(name, items, elapsed, "", peak, "", None if not code else False)
        failures += code != 0
    if failures:
        print(f"{'':<42}  warm roll-ups and the JSON comparison not measured: a cold roll-up failed")
        return failures
    plain_median, _, plain_peak = measure(plain, folder, env, runs)
    row(f"rollup plans/ {count:,} (warm)", items, plain_median, "", plain_peak, "", None)
    median, ratio, peak = measure(units, folder, env, runs, floor=plain)
    row(f"rollup --units {count:,} (warm)", items, median, f"{ratio:.2f}×", peak, "≤1.5×", ratio <= 1.5)
    log.append(f"warm: rollup --units {median:.2f} s, folder {plain_median:.2f} s, paired ratio {ratio:.2f}×")
    same = same_rollup(folder, env, units, plain, log)
    print(f"{'':<42}  rollup --units JSON's rollup equals the folder roll-up's: {'yes' if same else 'NO'}")
    return (ratio > 1.5) + (not same)


def unit_repos_rung(base: Path, env: dict[str, str], cmd: list[str], count: int, runs: int) -> int:
    """Units in their own repositories: build them, fetch them into the mirror, roll them up
    from it, and weigh the mirror against the plans it holds."""
    folder = base / f"units-{count}"
    env = {**env, "XDG_CACHE_HOME": str(folder / "cache")}
    log: list[str] = []
    start = time.perf_counter()
    plans = unit_tree(folder, env, cmd, count)
    built = time.perf_counter() - start
    print(f"{count:,} unit repositories (bare, file://, blob:none served), each a 37-item plan and "
          f"{EVIDENCE / MIB:g} MiB of random evidence in history: built in {built:.1f} s")  # fmt: skip
    failures = fetch_rows(folder, env, cmd, plans, runs, log)
    failures += rollup_rows(folder, env, cmd, count, runs, log)
    mirror = folder / "cache" / "reformctl" / "mirror.git"
    du = int(subprocess.run(["du", "-sk", str(mirror)], capture_output=True, text=True).stdout.split()[0]) * 1024
    own = sum(len(plan.encode()) for plan in plans.values())
    fits = du <= 3 * own
    print(f"{'':<42}  mirror {du / MIB:.1f} MiB on disk, plans {own / MIB:.1f} MiB: {du / own:.2f}×, "
          f"target ≤ 3×: {'yes' if fits else 'NO'}")  # fmt: skip
    for line in log:
        print(f"    {line}")
    shutil.rmtree(folder, ignore_errors=True)
    return failures + (not fits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (after one warm-up)")
    parser.add_argument("--large", action="store_true", help="also 100,000 items (validate and peak memory)")
    parser.add_argument("--sizes", help="only these sizes, comma-separated (e.g. 37,10000)")
    parser.add_argument("--unit-repos", help="also units in their own git repositories: these counts (e.g. 300,3000)")
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
        for count in [int(count) for count in args.unit_repos.split(",")] if args.unit_repos else []:
            failures += unit_repos_rung(base, env, cmd, count, args.runs)
        print()
        print("all targets met" if not failures else f"{failures} target(s) missed")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
