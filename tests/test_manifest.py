"""The units manifest (units.yaml): its schema, made from the model, and the located problems
`reformctl validate` gives for it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, run

from reformctl import manifest, reader

SCHEMA = ROOT / "schemas" / "units.schema.json"


BAD = """\
units:
  - name: 江西省科协
    level: 省级
    url: https://user:secret@git.example.org/jiangxi/reform.git
  - name: 南昌市科协
    level: 市级
    url: ./nc
    parent: 江西省科协
  - name: 南昌市科协
    level: 市级
    url: ./nc2
  - name: 赣州市科协
    level: 市级
    url: ./gz
    parent: 中国科协
  - name: 甲
    level: 县级
    url: ./a
    parent: 乙
  - name: 乙
    level: 县级
    url: ./b
    parent: 甲
"""


def test_validate_locates_each_problem_of_a_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("units.yaml").write_text(BAD, encoding="utf-8")
    result = run("validate", "units.yaml")
    assert result.exit_code == 1
    assert "units.yaml:4:10: units[0].url: 地址中不能含账号或密码" in result.output
    Path("units.yaml").write_text(BAD.replace("user:secret@", ""), encoding="utf-8")
    result = run("validate", "units.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "units.yaml:9:11: units[2].name: 单位名称 '南昌市科协' 重复（第一次出现在 units[1]）",
        "units.yaml:15:13: units[3].parent: 上级单位 '中国科协' 不在清单中",
        "units.yaml:19:13: units[4].parent: 上级单位形成循环：甲 → 乙 → 甲",
        "units.yaml:23:13: units[5].parent: 上级单位形成循环：乙 → 甲 → 乙",
    ]


def test_validate_knows_a_manifest_by_its_units_key_and_says_it_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("units-2021.yaml").write_text(
        "units:\n  - name: 甲\n    level: 全国\n    url: git@host:a.git\n", encoding="utf-8"
    )
    result = run("validate", "units-2021.yaml")
    assert (result.exit_code, result.stdout) == (0, "units-2021.yaml：有效（1 个单位）\n")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://token@host/a.git", "账号或密码"),
        ("ssh://git:pw@host/a.git", "账号或密码"),
        ("https://host/a b.git", "空格、控制字符"),
        ("https://host/a\x1b.git", "空格、控制字符"),
        ("--upload-pack=touch x", "空格"),
        ("-oProxyCommand=x", "不能以 - 开头"),
        ("ext::sh -c x", "空格"),
        ("ext::x", "ext::"),
    ],
)
def test_urls_that_cannot_stand_in_a_manifest(url: str, said: str):
    assert said in manifest.url_problem(url)


@pytest.mark.parametrize("url", ["https://host/a.git", "ssh://git@host/a.git", "git@host:a.git", "../a", "file:///a"])
def test_urls_that_can(url: str):
    assert manifest.url_problem(url) == ""


def test_units_schema_is_in_sync_and_agrees_with_the_model():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert SCHEMA.read_text(encoding="utf-8") == manifest.schema_text(), "regenerate schemas/units.schema.json"
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["definitions"]["Unit"]["properties"]["level"]["enum"] == ["全国", "省级", "市级", "县级"]
    data, _ = reader.Reader("units.yaml").read(BAD)
    assert jsonschema.Draft7Validator(schema).is_valid(data)  # names, parents and urls: only the model checks
    data["units"][0]["level"] = "乡级"
    assert not jsonschema.Draft7Validator(schema).is_valid(data)


def test_validate_locates_a_plan_path_that_is_not_a_relative_path_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    Path("units.yaml").write_text(
        "units:\n"
        "  - name: 甲\n    level: 市级\n    url: ./a\n    path: ../tasks-2020.yaml\n"
        "  - name: 乙\n    level: 市级\n    url: ./b\n    path: data/tasks-2020.yaml\n"
        "  - name: 丙\n    level: 县级\n    url: ./c\n    path: /etc/tasks.yaml\n",
        encoding="utf-8",
    )
    result = run("validate", "units.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "units.yaml:5:11: units[0].path: 路径中不能有 . 或 .. 这样的一段",
        "units.yaml:13:11: units[2].path: 路径应是仓库中的相对路径，不能以 / 开头",
    ]


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/data/tasks-2020.yaml", "不能以 / 开头"),
        ("../tasks-2020.yaml", ". 或 .."),
        ("data/../tasks-2020.yaml", ". 或 .."),
        ("./tasks-2020.yaml", ". 或 .."),
        ("data//tasks-2020.yaml", "空的一段"),
        ("data/", "空的一段"),
        ("", "空的一段"),
        ("data\\tasks-2020.yaml", "反斜杠"),
        (" tasks-2020.yaml", "空白"),
        ("tasks-2020.yaml\u3000", "空白"),
        ("tasks\x1b-2020.yaml", "控制字符"),
        ("tasks\n.yaml", "控制字符"),
        ("data/tasks-2020.json", ".yaml 或 .yml"),
        ("data/tasks-2020", ".yaml 或 .yml"),
    ],
)
def test_plan_paths_that_cannot_stand_in_a_manifest(path: str, said: str):
    assert said in manifest.path_problem(path)


@pytest.mark.parametrize("path", ["tasks-2020.yaml", "data/tasks-2020.yml", "计划/2020 年.yaml", "a/.b/c.yaml"])
def test_plan_paths_that_can(path: str):
    assert manifest.path_problem(path) == ""


# A real ed25519 public key (ssh-keygen -t ed25519), and an ecdsa one.
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA/pCG9+JzA97QVKcO82l7OLDF88Ww1TvzI1VgEtEBrp 张三@南昌市科协"
KEY = ED25519.split()[1]


def test_validate_locates_each_signer_that_is_not_an_ssh_public_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("units.yaml").write_text(
        "units:\n"
        "  - name: 甲\n    level: 市级\n    url: ./a\n    signers:\n"
        f"      - {ED25519}\n"
        f"      - ssh-dss {KEY}\n"
        f"      - ssh-rsa {KEY}\n"
        "      - ssh-ed25519 not-base64!\n",
        encoding="utf-8",
    )
    result = run("validate", "units.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "units.yaml:7:9: units[0].signers[1]: 公钥类型 'ssh-dss' 不受支持：应是 ssh-ed25519、ecdsa-sha2-nistp256、"
        "ecdsa-sha2-nistp384、ecdsa-sha2-nistp521、ssh-rsa、sk-ssh-ed25519@openssh.com、"
        "sk-ecdsa-sha2-nistp256@openssh.com 之一",
        "units.yaml:8:9: units[0].signers[2]: 公钥的密钥部分与类型 ssh-rsa 不符（可能复制不全）",
        "units.yaml:9:9: units[0].signers[3]: 公钥的密钥部分不是有效的 base64",
    ]
    Path("units.yaml").write_text(
        f"units:\n  - name: 甲\n    level: 市级\n    url: ./a\n    signers: [{ED25519}]\n", encoding="utf-8"
    )
    assert run("validate", "units.yaml").exit_code == 0


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (f"{ED25519}\nssh-ed25519 {KEY}", "换行或控制字符"),
        (f"ssh-ed25519 {KEY}\x1b[2J", "换行或控制字符"),
        (f" ssh-ed25519 {KEY}", "首尾不能有空白"),
        ("ssh-ed25519", "类型 密钥"),
        (KEY, "类型 密钥"),
        (f"ecdsa-sha2-nistp256 {KEY}", "不符"),
        (f"ssh-ed25519 {KEY[:-8]}", "不符"),
        (f"ssh-ed25519 {KEY[:-1]}", "base64"),
        (f"sk-ssh-ed25519@openssh.com {KEY}", "不符"),
    ],
)
def test_signers_that_are_not_ssh_public_keys(key: str, said: str):
    assert said in manifest.signer_problem(key)


def test_a_signer_line_may_carry_no_comment_or_a_spaced_one():
    assert manifest.signer_problem(f"ssh-ed25519 {KEY}") == ""
    assert manifest.signer_problem(f"ssh-ed25519 {KEY} 张三 南昌市科协") == ""


@pytest.mark.parametrize("branch", ["main", "release/2020", "报送/十月", "v1.2_rc-3"])
def test_branch_names_git_takes_chinese_ones_too(branch: str):
    assert manifest.Unit(name="单位", level="县级", url="x", branch=branch).branch == branch


@pytest.mark.parametrize(
    "branch", ["-x", "a..b", "a//b", "a/", ".hidden", "a/.b", "x.lock", "a@{1}", "a b", "a:b", "a~1"]
)
def test_branch_names_git_refuses_or_that_read_as_options(branch: str):
    with pytest.raises(ValueError, match="分支名"):
        manifest.Unit(name="单位", level="县级", url="x", branch=branch)


def test_every_problem_of_a_manifest_is_said_in_one_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A unit's bad url and another's repeated name and unknown parent are located together."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "units.yaml").write_text(
        "units:\n"
        "  - {name: 甲, level: 县级, url: a}\n"
        "  - {name: 甲, level: 地市级, url: b}\n"
        "  - {name: 乙, level: 县级, url: 'https://u:p@h/x.git', parent: 丙}\n",
        encoding="utf-8",
    )
    said = run("validate", "units.yaml").output.splitlines()
    assert said[:4] == [
        "units.yaml:3:12: units[1].name: 单位名称 '甲' 重复（第一次出现在 units[0]）",
        "units.yaml:3:22: units[1].level: '地市级' 不是可选的值：'全国'、'省级'、'市级'、'县级'",
        "units.yaml:4:31: units[2].url: 地址中不能含账号或密码：请用 git 的凭据助手（git credential）保存，"
        "清单里只写地址",
        "units.yaml:4:62: units[2].parent: 上级单位 '丙' 不在清单中",
    ]


def test_a_name_with_control_characters_and_a_loop_through_a_repeated_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Held-out trial 2: an ESC in a name passed, and a loop through a repeated name went unsaid."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "units.yaml").write_text(
        "units:\n"
        "  - {name: 甲, level: 县级, url: a, parent: 乙}\n"
        "  - {name: 乙, level: 县级, url: b, parent: 甲}\n"
        "  - {name: 甲, level: 县级, url: c}\n"
        '  - {name: "衢江区科协\\e[2J", level: 县级, url: d}\n',
        encoding="utf-8",
    )
    said = run("validate", "units.yaml").output
    assert "units.yaml:2:42: units[0].parent: 上级单位形成循环：甲 → 乙 → 甲" in said
    assert "units[2].name: 单位名称 '甲' 重复" in said
    assert "units.yaml:5:12: units[3].name: 单位名称 '衢江区科协\\x1b[2J' 含有控制字符" in said
    assert "\x1b" not in said
