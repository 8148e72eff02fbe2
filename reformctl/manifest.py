"""The units manifest, units.yaml: which units keep their plans in their own git repositories,
where (any url git fetches), and whose plan each derives from.

A url never carries credentials: they stay in git's own credential helpers, so the manifest can be
committed and shown. Every problem is located at its line and column, as a plan's are.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from reformctl import reader, schema
from reformctl.errors import PlanInvalid, Problem
from reformctl.files import display, read_bytes
from reformctl.models import Level, Loc
from reformctl.plain import visible

NAME = "units.yaml"
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
# A branch name as `git check-ref-format --branch` takes it (Chinese names are fine), and not an option.
_BRANCH = re.compile(
    r"^(?!-)(?!/)(?!@$)(?!.*\.\.)(?!.*//)(?!.*@\{)(?!.*(?:^|/)\.)(?!.*\.lock(?:/|$))"
    r"[^\x00-\x20\x7f-\x9f\u3000~^:?*\[\\]+(?<![./])$"
)
# The key types git's ssh signing takes, and how many SSH strings each key blob holds (RFC 4253's
# type, e and n; RFC 5656's type, curve and point; a security key's also its application).
KEY_TYPES = {
    "ssh-ed25519": 2,
    **dict.fromkeys(("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"), 3),
    "ssh-rsa": 3,
    "sk-ssh-ed25519@openssh.com": 3,
    "sk-ecdsa-sha2-nistp256@openssh.com": 4,
}


def _signer(key: str) -> str:
    why = signer_problem(key)
    if why:
        raise ValueError(why)
    return key


_TYPES = "|".join(kind.replace(".", r"\.") for kind in KEY_TYPES)  # no \- : ECMA regexes refuse it
# For editors (yaml-language-server) the schema says the line's shape; the model checks the key blob too.
Signer = Annotated[
    str,
    AfterValidator(_signer),
    Field(json_schema_extra={"pattern": f"^({_TYPES}) [A-Za-z0-9+/]+={{0,2}}( [^\\x00-\\x1f\\x7f]*)?$"}),
]


class Unit(BaseModel):
    """One unit: its name, level, repository and (optionally) branch, plan path and parent unit."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="单位名称，在清单中唯一")
    level: Level = Field(description="单位级别")
    url: str = Field(
        min_length=1, description="单位仓库的地址：https、ssh、file://、本地路径或 git bundle 文件；不含账号密码"
    )
    branch: str | None = Field(None, description="要获取的分支；省略时取对方的默认分支")
    path: str | None = Field(None, description="仓库中计划文件的路径")
    parent: str | None = Field(None, description="本单位计划所依据的上级单位名称；省略表示本办公室自己的计划")
    signers: list[Signer] | None = Field(
        None,
        description="可为本单位提交签名的 SSH 公钥（每项一行，如 ssh-ed25519 AAAA… 备注）；"
        "rollup --units --verify 只计入由其中之一签名的提交",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if visible(name) != name or name != name.strip():
            raise ValueError(f"单位名称 '{visible(name)}' 含有控制字符、双向文字标记或首尾空白，请重新输入")
        return name

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        why = url_problem(url)
        if why:
            raise ValueError(why)
        return url

    @field_validator("branch")
    @classmethod
    def _branch(cls, branch: str | None) -> str | None:
        if branch is not None and not _BRANCH.match(branch):
            raise ValueError(
                f"分支名 {branch!r} 无效：不能以 - 或 / 开头，不能含空格、控制字符或 ~ ^ : ? * [ \\、..、//、@{{，"
                "各段不能以 . 开头或以 .lock 结尾"
            )
        return branch

    @field_validator("path")
    @classmethod
    def _path(cls, path: str | None) -> str | None:
        why = path_problem(path) if path is not None else ""
        if why:
            raise ValueError(why)
        return path


class Manifest(BaseModel):
    """units.yaml: the list of units."""

    model_config = ConfigDict(extra="forbid")

    units: list[Unit] = Field(description="各单位及其仓库")


def schema_text() -> str:
    """schemas/units.schema.json: the manifest's JSON Schema, made from the model."""
    import json

    made = Manifest.model_json_schema(ref_template="#/definitions/{model}")
    words = {"#/definitions/Level": made["$defs"].pop("Level")}
    made["definitions"] = schema._inlined(made.pop("$defs"), words)
    return (
        json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", **made}, ensure_ascii=False, indent=2) + "\n"
    )


def url_problem(url: str) -> str:
    """Why a url cannot stand in the manifest; '' when it can."""
    if _SPACE_OR_CONTROL.search(url) or visible(url) != url:
        return "地址中不能有空格、控制字符或双向文字标记"
    if url.startswith("-"):
        return "地址不能以 - 开头"
    if url.lower().startswith("ext::"):
        return "不接受 ext:: 地址（它会运行命令）"
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        user = parts.netloc.rsplit("@", 1)[0]
        if ":" in user or parts.scheme.lower() in ("http", "https", "ftp", "ftps"):
            return "地址中不能含账号或密码：请用 git 的凭据助手（git credential）保存，清单里只写地址"
    return ""


def path_problem(path: str) -> str:
    """Why a plan path cannot stand in the manifest; '' when it can. It is a path inside the
    unit's repository as `git ls-tree` names it: relative, POSIX, each segment a real name."""
    if path != path.strip() or re.search(r"[\x00-\x1f\x7f-\x9f]", path):
        return "路径首尾不能有空白，也不能含控制字符"
    if "\\" in path:
        return "路径中不能有反斜杠 \\：请用 / 分隔"
    if path.startswith("/"):
        return "路径应是仓库中的相对路径，不能以 / 开头"
    segments = path.split("/")
    if "" in segments:
        return "路径中不能有空的一段（//，或以 / 结尾）"
    if "." in segments or ".." in segments:
        return "路径中不能有 . 或 .. 这样的一段"
    if not path.endswith((".yaml", ".yml")):
        return "计划文件应以 .yaml 或 .yml 结尾"
    return ""


def signer_problem(key: str) -> str:
    """Why a line cannot stand as a signer's SSH public key; '' when it can: `type base64 [comment]`,
    the type one git's ssh signing knows, the base64 a key blob of that type, nothing on other lines."""
    if re.search(r"[\x00-\x1f\x7f-\x9f]", key):
        return "公钥中不能有换行或控制字符：每项只写一行公钥"
    parts = key.strip().split(None, 2)
    if len(parts) < 2 or key != key.strip():
        return "公钥应是一行 “类型 密钥 [备注]”，如 ssh-ed25519 AAAA… 张三@单位，首尾不能有空白"
    kind, body = parts[0], parts[1]
    if kind not in KEY_TYPES:
        return f"公钥类型 {kind!r} 不受支持：应是 {'、'.join(KEY_TYPES)} 之一"
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return "公钥的密钥部分不是有效的 base64"
    strings = _strings(blob)
    if not strings or strings[0] != kind.encode("ascii") or len(strings) != KEY_TYPES[kind]:
        return f"公钥的密钥部分与类型 {kind} 不符（可能复制不全）"
    return ""


def _strings(blob: bytes) -> list[bytes]:
    """The SSH strings (a 4-byte length, then the bytes) a key blob is made of; [] when it is not."""
    found, at = [], 0
    while at < len(blob):
        size = int.from_bytes(blob[at : at + 4], "big")
        if at + 4 + size > len(blob):
            return []
        found.append(blob[at + 4 : at + 4 + size])
        at += 4 + size
    return found


def looks_like_manifest(path: Path) -> bool:
    """For validate: by the name, or by a top-level `units:` line."""
    if path.name == NAME:
        return True
    try:
        head = read_bytes(path, display(path), kind="单位清单")
    except Exception:
        return False
    return re.search(rb"^units:", head, re.M) is not None and re.search(rb"^tasks:", head, re.M) is None


def load(path: Path) -> Manifest:
    """The manifest in a file; PlanInvalid with every problem located."""
    name = display(path)
    text = reader.decode(read_bytes(path, name, kind="单位清单"), name)
    data, root = reader.Reader(name, nodes=True).read(text)
    assert root is not None
    problems = []
    made = None
    try:
        made = Manifest.model_validate(data)
    except ValidationError as exc:
        problems = [reader.problem(name, root, err) for err in exc.errors()]
    found = check(_named(data))  # said together with the fields' problems, not in a second round
    problems += [
        Problem(name, *reader.position(root, loc), f"{reader.dotted(loc)}: {message}") for loc, message in found
    ]
    if problems or made is None:
        raise PlanInvalid(sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    return made


def _named(data: object) -> list[tuple[str, str | None]]:
    """Each unit's name and parent as written, whatever else is wrong with it ('' for none)."""
    units = data.get("units") if isinstance(data, dict) else None
    pairs = []
    for unit in units if isinstance(units, list) else []:
        name = unit.get("name") if isinstance(unit, dict) else None
        parent = unit.get("parent") if isinstance(unit, dict) else None
        pairs.append((name if isinstance(name, str) else "", parent if isinstance(parent, str) else None))
    return pairs


def check(units: list[tuple[str, str | None]]) -> list[tuple[Loc, str]]:
    """What the schema cannot say: names unique, parents listed, no parent chain that loops."""
    found: list[tuple[Loc, str]] = []
    first: dict[str, int] = {}
    for n, (name, _) in enumerate(units):
        if name and name in first:
            found.append((("units", n, "name"), f"单位名称 {name!r} 重复（第一次出现在 units[{first[name]}]）"))
        first.setdefault(name, n)
    parents: dict[str, str | None] = {}
    for name, parent in units:
        parents.setdefault(name, parent)  # a repeated name's first entry, as the loop below reads it
    for n, (name, parent) in enumerate(units):
        if parent is not None and parent not in first:
            found.append((("units", n, "parent"), f"上级单位 {parent!r} 不在清单中"))
        elif parent is not None and first[name] == n and _loops(name, parents):
            found.append((("units", n, "parent"), f"上级单位形成循环：{_chain(name, parents)}"))
    return found


def _loops(name: str, parents: dict[str, str | None]) -> bool:
    seen, at = set(), parents.get(name)
    while at is not None and at in parents and at not in seen:
        if at == name:
            return True
        seen.add(at)
        at = parents[at]
    return False


def _chain(name: str, parents: dict[str, str | None]) -> str:
    chain, at = [name], parents[name]
    while at is not None and at != name:
        chain.append(at)
        at = parents[at]
    return " → ".join([*chain, name])
