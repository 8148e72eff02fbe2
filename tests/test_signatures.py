"""signatures.verify: a unit's commit in the mirror signed by one of its listed SSH keys, against
real keys (ssh-keygen) and a real repository made in tmp_path, fetched into a bare mirror."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from test_fetch import git

from reformctl import signatures

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed (OpenSSH)"),
]

PGP = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----"


def key(where: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key pair: the private key's file and the public key's line."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@单位", "-f", str(where / name)], check=True
    )
    return where / name, (where / f"{name}.pub").read_text(encoding="utf-8").strip()


def commit(repo: Path, message: str, *signing: str) -> str:
    (repo / "note.txt").write_text(message + "\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "-c", "commit.gpgsign=false", *signing, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def signed(repo: Path, message: str, private: Path) -> str:
    return commit(
        repo, message, "-c", "gpg.format=ssh", "-c", f"user.signingkey={private}", "-c", "commit.gpgsign=true"
    )


def forged(mirror: Path, original: str, header: str | None, message: str) -> str:
    """A commit object like `original`, with its message replaced and, when given, its signature
    header replaced by `header`: written straight into the mirror."""
    head, _ = git(mirror, "cat-file", "commit", original).split("\n\n", 1)
    if header is not None:
        head = head.split("\ngpgsig ", 1)[0] + "\ngpgsig " + header.replace("\n", "\n ")
    done = subprocess.run(
        ["git", "-C", str(mirror), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=f"{head}\n\n{message}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


class Made(NamedTuple):
    mirror: Path
    ids: dict[str, str]
    mine: str
    other: str


@pytest.fixture
def made(tmp_path: Path) -> Made:
    """Two keys, a unit's repository with commits signed by each and one unsigned, and the
    mirror that fetched them."""
    mine, mine_pub = key(tmp_path, "mine")
    other, other_pub = key(tmp_path, "other")
    repo = tmp_path / "unit"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "测试")
    git(repo, "config", "user.email", "t@example.invalid")
    ids = {"good": signed(repo, "签名", mine), "unsigned": commit(repo, "未签名"), "other": signed(repo, "他签", other)}
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "init", "-q", "--bare", str(mirror))
    git(mirror, "fetch", "-q", str(repo), "+refs/heads/main:refs/units/u1/main")
    return Made(mirror, ids, mine_pub, other_pub)


def test_good_unsigned_and_signed_by_a_key_not_listed(made: Made):
    mirror, ids, mine = made.mirror, made.ids, made.mine
    assert signatures.verify(mirror, ids["good"], [mine]) == ""
    assert signatures.verify(mirror, ids["unsigned"], [mine]) == "未签名"
    assert signatures.verify(mirror, ids["other"], [mine]) == "签名的密钥不在清单中"
    assert signatures.verify(mirror, ids["other"], [mine, made.other]) == ""
    assert signatures.verify(mirror, ids["good"], []) == "签名的密钥不在清单中"
    assert signatures.verify(mirror, "refs/units/u1/main", [mine]) == "签名的密钥不在清单中"


def test_a_changed_commit_a_pgp_signature_and_a_commit_the_mirror_lacks(made: Made):
    mirror, ids, mine = made.mirror, made.ids, made.mine
    assert signatures.verify(mirror, forged(mirror, ids["good"], None, "改过的说明"), [mine]) == "签名无效"
    assert signatures.verify(mirror, forged(mirror, ids["good"], PGP, "签名"), [mine]) == "不是 SSH 签名"
    assert signatures.verify(mirror, "0" * 40, [mine]) == "镜像中没有这个提交"
    assert signatures.verify(mirror, "--output=x", [mine]) == "镜像中没有这个提交"


def test_the_users_own_git_config_takes_no_part(made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A global config that names another ssh-keygen and gpg, other allowed signers, revokes the
    listed key and trusts any key changes nothing, and runs none of them."""
    mirror, ids, mine = made.mirror, made.ids, made.mine
    ran = tmp_path / "ran"
    spy = tmp_path / "spy"
    spy.write_text(f"#!/bin/sh\ntouch {ran}\nexit 0\n", encoding="utf-8")
    spy.chmod(0o755)
    (tmp_path / "revoked").write_text(mine + "\n", encoding="utf-8")
    (tmp_path / "allowed").write_text(f'x namespaces="git" {made.other}\n', encoding="utf-8")
    config = tmp_path / "gitconfig"
    config.write_text(
        f"[gpg]\n\tprogram = {spy}\n\tminTrustLevel = undefined\n"
        f'[gpg "openpgp"]\n\tprogram = {spy}\n'
        f'[gpg "ssh"]\n\tprogram = {spy}\n\tallowedSignersFile = {tmp_path / "allowed"}\n'
        f"\trevocationFile = {tmp_path / 'revoked'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert signatures.verify(mirror, ids["good"], [mine]) == ""
    assert signatures.verify(mirror, ids["other"], [mine]) == "签名的密钥不在清单中"
    assert signatures.verify(mirror, forged(mirror, ids["good"], PGP, "签名"), [mine]) == "不是 SSH 签名"
    assert not ran.exists()


def test_a_key_that_is_not_a_key_line_never_reaches_the_allowed_signers_file(made: Made):
    mirror, ids, mine = made.mirror, made.ids, made.mine
    with pytest.raises(ValueError, match="换行"):
        signatures.verify(mirror, ids["good"], [f"{mine}\n* {made.other}"])
    assert signatures.allowed_signers([mine]) == f'unit namespaces="git" {" ".join(mine.split()[:2])}\n'
