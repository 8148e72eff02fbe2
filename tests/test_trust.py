"""Defects found by trying reformctl as a clerk, a reviewer and an attacker would: one test each.

Which plan a command uses, errors that are never lost, a history that says what happened,
dates a clerk means, and attacks (hostile files, paths and folders) that must fail safely.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, WROTE, ok, run

from reformctl import files, loader

OTHER_USER = 54321
needs_root = pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to play two users")


# ---------------------------------------------------------------- which plan


@pytest.fixture
def province(tmp_path: Path) -> Path:
    """A provincial repo: its copy of the national plan, its own plan, and Wuhan's."""
    ok("init")
    ok("init", "--unit", "湖北省科协", "--level", "省级", "-o", "plans/hubei/tasks-2020.yaml")
    ok("init", "--unit", "武汉市科协", "--level", "市级", "-f", "plans/hubei/tasks-2020.yaml",
       "-o", "plans/hubei/wuhan/tasks-2020.yaml")  # fmt: skip
    return tmp_path


def test_the_nearest_plan_wins(province: Path, monkeypatch: pytest.MonkeyPatch):
    """Reproduced: in plans/hubei/wuhan/, show read (and status set would write) data/tasks-2020.yaml."""
    monkeypatch.chdir(province / "plans" / "hubei" / "wuhan")
    assert ok("show", "1.2").startswith("事项 1.2 · tasks-2020.yaml（武汉市科协）\n")
    assert (
        ok("status", "set", "1.2", "doing", "--date", "2020-09-01")
        == "已记录 1.2：未启动 → 推进中；写入 tasks-2020.yaml\n"
    )
    assert "status: doing" in (province / "plans/hubei/wuhan/tasks-2020.yaml").read_text(encoding="utf-8")
    assert "status: doing" not in (province / "data/tasks-2020.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(province / "plans")  # no plan here: the national copy above
    assert ok("show", "1.2").startswith("事项 1.2 · ../data/tasks-2020.yaml\n")


def test_several_plans_in_one_folder_are_refused(tmp_path: Path):
    for year in ("2020", "2021"):
        shutil.copyfile(DATA, tmp_path / f"tasks-{year}.yaml")
    result = run("list")
    assert result.exit_code == 2
    assert "中有多个计划文件：tasks-2020.yaml、tasks-2021.yaml；请用 -f 指定" in result.stderr


@needs_root
def test_discovery_never_uses_another_users_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Reproduced: a plan planted by another user in a shared parent folder was read and written."""
    planted = tmp_path / "data" / "tasks-2020.yaml"
    planted.parent.mkdir()
    shutil.copyfile(DATA, planted)
    os.chown(planted, OTHER_USER, OTHER_USER)
    (tmp_path / "mine").mkdir()
    monkeypatch.chdir(tmp_path / "mine")
    before = planted.read_bytes()
    result = run("status", "set", "6.2", "done")
    assert result.exit_code == 2 and "属于另一个用户" in result.stderr and "请用 -f 指定" in result.stderr
    assert planted.read_bytes() == before
    assert ok("validate", "-f", str(planted)).endswith("有效（12 项任务，37 个跟踪事项）\n")  # named: used


def test_rollup_and_init_take_a_file(province: Path, monkeypatch: pytest.MonkeyPatch):
    listed = ok("rollup", "plans", "-f", "plans/hubei/tasks-2020.yaml", "--format", "json")
    assert '"武汉市科协": "todo"' in listed and "湖北省科协" not in listed  # rolled up to the province
    (province / "x").mkdir()
    os.chdir(province / "x")
    assert (
        ok("init", "-f", "../plans/hubei/tasks-2020.yaml")
        == "已写入 data/tasks-2020.yaml\n已写入 schemas/plan.schema.json\n"
    )
    assert "湖北省科协" in (province / "x/data/tasks-2020.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- errors are never lost


def test_validate_reports_every_file_in_order(tmp_path: Path):
    """Reproduced: a missing file in the list threw away the problems before it and skipped those after."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    result = run("validate", "examples/invalid/bad-status.yaml", "nowhere.yaml", "examples/invalid/unknown-dept.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("examples/invalid/bad-status.yaml:16:17: ")
    assert lines[1] == "nowhere.yaml: 无法读取：找不到文件"  # no fake 1:1
    assert lines[2].startswith("examples/invalid/unknown-dept.yaml:12:17: ")


# ---------------------------------------------------------------- the history


def test_a_status_kept_with_a_note_is_a_progress_note(plan_file: Path):
    ok("status", "set", "4.3", "doing", "--date", "2020-09-01")
    said = ok("status", "set", "4.3", "doing", "--date", "2020-09-08", "--note", "召开推进会")
    assert said == f"已记录 4.3 进展（推进中）{WROTE}\n"


def test_dates_as_a_clerk_types_them(plan_file: Path):
    for typed in ("2020-9-4", "2020/9/4", "2020.9.4", "2020年9月4日", "２０２０年９月４日", "２０２０-０９-０４"):
        ok("status", "set", "6.2", "doing", "--date", typed, "--note", typed)
    log = ok("log", "6.2", "--format", "json")
    assert log.count('"date": "2020-09-04"') == 6
    result = run("status", "set", "6.2", "done", "--date", "9/4/2020")
    assert (
        result.exit_code == 2 and "可以写作 2020-09-04、2020-9-4、2020/9/4、2020.9.4 或 2020年9月4日" in result.stderr
    )


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ((dt.date.today() + dt.timedelta(days=1)).isoformat(), "晚于今天"),
        ("2020-07-02", "早于计划的成文日期 2020-07-03"),
    ],
)
def test_dates_no_clerk_meant_are_refused(plan_file: Path, date: str, words: str):
    before = plan_file.read_bytes()
    for args in (["status", "set", "6.2", "done"], ["due", "set", "6.2", "2020-12-31"]):
        result = run(*args, "--date", date)
        assert result.exit_code == 2 and words in result.stderr and "未写入" in result.stderr
    assert plan_file.read_bytes() == before


def test_late_paperwork_is_kept_with_a_warning_and_logged_in_date_order(plan_file: Path):
    ok("status", "set", "6.2", "doing", "--date", "2020-09-10")
    late = run("status", "set", "6.2", "blocked", "--date", "2020-09-05", "--note", "补记")
    assert late.exit_code == 0 and "早于该事项最近一条记录（2020-09-10）" in late.stderr
    assert [line.split()[1] for line in ok("log", "6.2").splitlines()[3:5]] == ["2020-09-10", "2020-09-05"]


def test_without_as_of_the_view_is_as_of_today(plan_file: Path):
    """A hand-written record dated in the future is not yet in force, with or without --as-of."""
    text = plan_file.read_text(encoding="utf-8")
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    at = text.index('id: "7.2"')
    plan_file.write_text(
        text[:at]
        + text[at:].replace(
            "status: todo",
            f"status: done\n        history:\n          - {{date: {future}, from: todo, status: done}}",
            1,
        ),
        encoding="utf-8",
    )
    assert ok("list", "--task", "7.2", "--format", "json") == ok(
        "list", "--task", "7.2", "--format", "json", "--as-of", dt.date.today().isoformat()
    )
    assert '"status": "todo"' in ok("list", "--task", "7.2", "--format", "json")


def test_since_after_until_and_far_dates_are_usage_errors(plan_file: Path):
    result = run("report", "--since", "2020-10-01", "--until", "2020-09-01")
    assert result.exit_code == 2 and "晚于 --until" in result.stderr
    far = run("report", "--until", "0001-01-03")  # reproduced: a traceback
    assert far.exit_code == 0 and "统计区间 1年1月1日至1月3日" in far.stdout


# ---------------------------------------------------------------- hostile files and paths


@pytest.mark.parametrize("where", ["file", "parent"])
@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_reading_never_hangs_nor_exhausts_memory(tmp_path: Path, where: str, kind: str):
    """Reproduced: -f /dev/zero read until MemoryError; a FIFO hung forever (as a plan or a parent)."""
    target = Path("/dev/zero")
    if kind == "fifo":
        target = tmp_path / "fifo.yaml"
        os.mkfifo(target)
    args = ["validate", "-f", str(target)]
    if where == "parent":
        unit = tmp_path / "unit.yaml"
        unit.write_text((EXAMPLES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
                        + f"unit: {{name: 测试, level: 市级, parent: {target}}}\n", encoding="utf-8")  # fmt: skip
        args = ["validate", str(unit)]
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(run(*args)), daemon=True)
    worker.start()
    worker.join(10)
    assert done, "hung"
    result = done[0]
    assert result.exit_code == 1  # type: ignore[attr-defined]
    said = result.stderr  # type: ignore[attr-defined]
    assert ("不是普通文件（设备、管道等）" in said) or ("之外，未读取" in said), said


def test_a_file_over_the_size_limit_is_refused_with_the_way_to_raise_it(plan_file: Path, monkeypatch):
    monkeypatch.setenv("REFORMCTL_MAX_MB", "1")
    with plan_file.open("a", encoding="utf-8") as out:
        out.write("#" * (1024 * 1024) + "\n")
    result = run("list")
    assert result.exit_code == 1 and "超过 1 MiB 的上限" in result.stderr and "REFORMCTL_MAX_MB" in result.stderr


def test_a_parent_outside_the_repository_quotes_nothing_of_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Reproduced: parent: /elsewhere/secret.yaml made validate echo the secret file's values."""
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("password: hunter2\napi_key: SECRET-VALUE\n", encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    unit = tmp_path / "repo" / "unit.yaml"
    unit.write_text((EXAMPLES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
                    + f"unit: {{name: 测试, level: 市级, parent: {secret}}}\n", encoding="utf-8")  # fmt: skip
    monkeypatch.chdir(tmp_path / "repo")
    for args in (["validate", "unit.yaml"], ["rollup", "unit.yaml"]):
        result = run(*args)
        assert result.exit_code == 1 and "在本仓库" in result.stderr and "之外，未读取" in result.stderr
        assert "hunter2" not in result.output and "SECRET" not in result.output and "password" not in result.output
        assert "unit.yaml:" in result.stderr  # located at unit.parent


def test_a_long_chain_is_too_deep_not_a_cycle(tmp_path: Path):
    ok("init")
    parent = "data/tasks-2020.yaml"
    for n in range(18):
        out = f"plans/{'/'.join(['u'] * (n + 1))}/tasks-2020.yaml"
        ok("init", "--unit", f"单位{n}", "--level", "县级", "--parent", parent, "-o", out)
        parent = out
    result = run("rollup", "plans", "--format", "json")
    assert "层级过深" in result.stderr and "成环" not in result.stderr


@pytest.mark.parametrize("command", [["report"], ["export"], ["export", "--format", "xlsx"]])
def test_an_output_never_destroys_what_it_lands_on(plan_file: Path, tmp_path: Path, command: list[str]):
    """Reproduced: report -o data/tasks-2020.yaml replaced the plan and exited 0."""
    before = plan_file.read_bytes()
    result = run(*command, "-o", "data/tasks-2020.yaml")
    assert result.exit_code == 1 and "这是计划文件" in result.stderr
    assert plan_file.read_bytes() == before
    readonly = tmp_path / "只读.txt"
    readonly.write_text("留着", encoding="utf-8")
    readonly.chmod(0o444)
    result = run(*command, "-o", str(readonly))
    assert result.exit_code == 1 and "只读" in result.stderr and readonly.read_text(encoding="utf-8") == "留着"
    real = tmp_path / "real.out"
    real.write_text("", encoding="utf-8")
    (tmp_path / "link.out").symlink_to(real)
    assert run(*command, "-o", "link.out").exit_code == 0
    assert (tmp_path / "link.out").is_symlink() and real.stat().st_size > 0  # written through the link
    assert run(*command, "-o", "/dev/null").exit_code == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dash_is_standard_output(plan_file: Path):
    assert ok("report", "-o", "-").startswith("# 2020年科协系统深化改革重点任务进展报告")


@needs_root
def test_a_shared_plan_keeps_its_owner_group_and_mode(plan_file: Path):
    """Reproduced: the atomic replace left the file owned by whoever wrote last. (Another
    user's plan is named with -f: discovery, like git, does not pick it up by itself.)"""
    os.chown(plan_file, OTHER_USER, OTHER_USER + 1)
    plan_file.chmod(0o664)
    ok("status", "set", "6.2", "doing", "-f", str(plan_file))
    info = plan_file.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (OTHER_USER, OTHER_USER + 1, 0o664)


def test_git_conflict_markers_are_named(plan_file: Path):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index("        status: todo")
    plan_file.write_text(text[:at] + "<<<<<<< HEAD\n        status: done\n=======\n" + text[at:].replace(
        "status: todo\n", "status: todo\n>>>>>>> colleague\n", 1), encoding="utf-8")  # fmt: skip
    line = plan_file.read_text(encoding="utf-8")[:at].count("\n") + 1
    result = run("validate")
    assert result.exit_code == 1
    assert f"data/tasks-2020.yaml:{line}:1: 合并冲突未解决（第 {line} 行）" in result.stderr


def test_a_control_character_in_the_file_is_located(plan_file: Path, yaml_parser: None):
    text = plan_file.read_text(encoding="utf-8")
    at = text.index("加强与海外")
    plan_file.write_text(text[:at] + "\x1b" + text[at:], encoding="utf-8")
    line = text[:at].count("\n") + 1
    col = at - text.rfind("\n", 0, at)
    result = run("validate")
    assert result.exit_code == 1 and f"data/tasks-2020.yaml:{line}:{col}: 不允许的控制字符 U+001B" in result.stderr


@pytest.mark.parametrize(
    ("make", "words"),
    [
        ("folder", "这是文件夹"),
        ("missing", "找不到文件"),
        ("loop", "符号链接层数过多或成环"),
    ],
)
def test_every_message_says_what_is_wrong(tmp_path: Path, make: str, words: str):
    target = tmp_path / "plan.yaml"
    if make == "folder":
        target.mkdir()
    elif make == "loop":
        target.symlink_to(tmp_path / "plan.yaml")
    for args in (["list"], ["status", "set", "6.2", "done"]):
        result = run(*args, "-f", str(target))
        assert result.exit_code == 1 and words in result.stderr, result.output
        assert "Traceback" not in result.output


def test_an_unreadable_plan_is_called_unreadable_not_read_only(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """Reproduced (a 0200 plan): a traceback on write, and 'read-only' where it was unreadable."""
    plan_file.chmod(0o200)
    if os.getuid() == 0:  # root reads anything: make the open fail as it would for anyone else
        real_open, real_access = os.open, os.access

        def no_read(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path).endswith("tasks-2020.yaml") and not flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(errno.EACCES, "Permission denied")
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", no_read)
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.R_OK and real_access(p, mode))
    for args in (["list"], ["status", "set", "6.2", "done"]):
        result = run(*args)
        assert result.exit_code == 1 and "没有读取权限" in result.stderr and "只读" not in result.stderr


def test_an_argument_that_is_not_utf8_is_a_clear_error(plan_file: Path):
    result = run("status", "set", "6.2", "done", "--note", "坏\udcff字节")
    assert result.exit_code == 2 and "不是有效的 UTF-8" in result.stderr and "\\xff" in result.stderr


# ---------------------------------------------------------------- unit names and ids


def test_a_unit_name_cannot_inject_yaml(plan_file: Path):
    """Reproduced: a name with '\\npreamble: INJECTED\\n#' became real YAML that validated."""
    result = run("init", "--unit", "武汉\npreamble: INJECTED\n#", "--level", "市级", "-o", "u/tasks-2020.yaml")
    assert result.exit_code == 2 and "控制字符" in result.stderr and not Path("u").exists()
    assert run("init", "--unit", "  ", "--level", "市级", "-o", "u/tasks-2020.yaml").exit_code == 2
    name = "杭州市（西湖区）科协。"  # official full-width punctuation, never NFKC-folded
    ok("init", "--unit", name, "--level", "县级", "-o", "u/tasks-2020.yaml")
    assert loader.load(Path("u/tasks-2020.yaml")).unit.name == name  # type: ignore[union-attr]
    quoted = 'a: b, "c" #d'
    ok("init", "--unit", quoted, "--level", "县级", "-o", "v/tasks-2020.yaml", "--force")
    assert loader.load(Path("v/tasks-2020.yaml")).unit.name == quoted  # type: ignore[union-attr]


@pytest.mark.parametrize(("written", "where"), [('"６"', "task"), ('"６.2"', "item"), ('" 13"', "task")])
def test_ids_in_the_file_are_canonical(plan_file: Path, written: str, where: str):
    """Reproduced: a task ６ with an item ６.2 validated, and status set ６.2 then wrote to 6.2."""
    text = plan_file.read_text(encoding="utf-8")
    if where == "task":
        text = text.replace('  - id: "6"\n', f"  - id: {written}\n", 1)
    else:
        text = text.replace('      - id: "6.2"\n', f"      - id: {written}\n", 1)
    plan_file.write_text(text, encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1 and "应只用半角数字和点" in result.stderr


def test_nothing_to_write_with_a_nel_in_a_note_is_blamed_on_layout(plan_file: Path):
    """Reproduced: a NEL (YAML's own line break) in a note was refused as an unusual layout."""
    note = "甲\x85乙\u2028丙\u202e丁"
    ok("status", "set", "6.2", "doing", "--note", note)
    assert loader.load(plan_file).tasks[5].items[1].history[0].note == note  # type: ignore[index]
    assert "\x85" not in plan_file.read_text(encoding="utf-8")  # written as escapes


def test_files_read_bytes_refuses_what_is_not_a_regular_file(tmp_path: Path):
    with pytest.raises(files.Unreadable, match="这是文件夹"):
        files.read_bytes(tmp_path)


def test_a_read_only_folder_is_read_only_for_root_too(plan_file: Path, tmp_path: Path):
    """As a 0444 file is refused even for root, so is a write into a 0555 folder."""
    folder = tmp_path / "只读"
    folder.mkdir()
    plan = folder / "tasks-2020.yaml"
    plan.write_bytes(plan_file.read_bytes())
    folder.chmod(0o555)
    try:
        result = run("status", "set", "6.2", "done", "-f", str(plan))
        assert result.exit_code == 1 and "所在文件夹不可写，未修改" in result.stderr
        exported = run("export", "-o", str(folder / "台账.csv"))
        assert exported.exit_code == 1 and "所在文件夹不可写" in exported.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["tasks-2020.yaml"]
    finally:
        folder.chmod(0o755)


def test_a_plan_we_may_not_read_is_said_in_chinese(plan_file: Path, monkeypatch: pytest.MonkeyPatch):
    """click checks readability with os.access before we open the file, and says so in English."""
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.R_OK else real(p, mode, **kw))
    monkeypatch.setattr("reformctl.files.open_regular", _refused)
    result = run("list", "-f", str(plan_file))
    assert result.exit_code == 1 and "Invalid value" not in result.output
    assert "无法读取：没有读取权限" in result.stderr


def _refused(path: Path, name: str, *kind: str) -> int:
    from reformctl.errors import Unreadable

    raise Unreadable(name, "没有读取权限")
