"""Whether a unit's commit in the mirror carries a good SSH signature by one of its listed signers
(`signers:` in units.yaml), asked of git itself.

Nothing of the office user's own signing set-up takes part: an OpenPGP or X.509 signature is
refused before git is run (so no GPG keyring is consulted), and git is told which ssh-keygen, which
allowed signers (the unit's keys, in a private temporary file) and which revoked keys (none) to use,
and that only a key it trusts fully counts, whatever the user's git config says.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from reformctl import mirror as mirrors
from reformctl.manifest import signer_problem

UNSIGNED = "未签名"
NOT_SSH = "不是 SSH 签名"
UNLISTED = "签名的密钥不在清单中"
INVALID = "签名无效"
MISSING = "镜像中没有这个提交"
PRINCIPAL = "unit"
SSH_BEGIN = b"-----BEGIN SSH SIGNATURE-----"


def _run(mirror: Path, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[bytes]:
    """git on the mirror with the mirror's safe settings, its output as bytes (a commit's message
    may be in any encoding)."""
    command, env = mirrors._command(mirror, False, *args)
    return subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)


def signature(mirror: Path, commit: str) -> tuple[str, bytes | None]:
    """The commit's object name and the first line of its signature header (None when unsigned);
    ("", None) when the mirror has no such commit."""
    if commit.startswith("-"):
        return "", None
    done = _run(mirror, "rev-parse", "--verify", "-q", f"{commit}^{{commit}}")
    oid = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not oid:
        return "", None
    raw = _run(mirror, "cat-file", "commit", oid).stdout
    header = raw.split(b"\n\n", 1)[0]
    for text in header.split(b"\n"):
        name, _, value = text.partition(b" ")
        if name in (b"gpgsig", b"gpgsig-sha256"):
            return oid, value.strip()
    return oid, None


def allowed_signers(keys: list[str]) -> str:
    """The allowed-signers file's text: one line per key, its type and blob only (not its comment),
    for the one principal the verification names, in git's namespace only."""
    lines = []
    for key in keys:
        why = signer_problem(key)
        if why:
            raise ValueError(f"{key[:40]!r}: {why}")
        kind, blob = key.split()[:2]
        lines.append(f'{PRINCIPAL} namespaces="git" {kind} {blob}\n')
    return "".join(lines)


def verify(mirror: Path, commit: str, keys: list[str]) -> str:
    """'' when the commit carries a good SSH signature by one of `keys` (lines as in units.yaml's
    signers), else why not: 未签名, 不是 SSH 签名, 签名的密钥不在清单中 or 签名无效 (or, for a
    commit the mirror lacks, 镜像中没有这个提交). ValueError for a key that is not a key line."""
    text = allowed_signers(keys)
    oid, first = signature(mirror, commit)
    if not oid:
        return MISSING
    if first is None:
        return UNSIGNED
    if first != SSH_BEGIN:
        return NOT_SSH
    with tempfile.TemporaryDirectory(prefix="reformctl-signers-") as private:  # mkdtemp: mode 0700
        allowed, revoked = Path(private) / "allowed_signers", Path(private) / "revoked"
        allowed.write_text(text, encoding="ascii")
        revoked.write_bytes(b"")
        settings = {
            "gpg.format": "ssh",
            "gpg.ssh.program": "ssh-keygen",
            "gpg.ssh.allowedSignersFile": str(allowed),
            "gpg.ssh.revocationFile": str(revoked),
            "gpg.minTrustLevel": "fully",
        }
        pairs = [word for key, value in settings.items() for word in ("-c", f"{key}={value}")]
        done = _run(mirror, *pairs, "verify-commit", "--raw", oid)
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode == 0 and f'Good "git" signature for {PRINCIPAL} with ' in said:
        return ""
    if 'Good "git" signature with ' in said or "No principal matched" in said:
        return UNLISTED
    return INVALID
