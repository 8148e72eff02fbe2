"""--commit: each recorded change as its own commit, holding exactly that change.

Before anything is written the file must equal HEAD (in the index and the work tree): otherwise
the commit would carry earlier, unrelated edits under this change's title. The one exception is
a write that returns the file to HEAD (undoing a change that was never committed): there is then
nothing to commit. Only this file is committed, whatever else is staged.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from reformctl.errors import ReformctlError
from reformctl.files import display


class Committer:
    """Commits one plan file; made (and checked) before the write, used after it."""

    def __init__(self, path: Path):
        # Run git where the file is; a symlink is committed as the link git tracks.
        self.folder, self.name, self.shown = path.absolute().parent, path.name, display(path)
        self.notices: list[str] = []  # for the clerk, with the change committed
        if self.run("rev-parse", "--is-inside-work-tree").stdout.strip() != b"true":
            raise ReformctlError(f"{self.shown} 不在 git 仓库中，无法 --commit；未修改")
        if self.run("symbolic-ref", "-q", "HEAD").returncode:
            self.notices.append("注意：git 处于分离 HEAD 状态（detached HEAD），这次提交不在任何分支上")

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(["git", *args], cwd=self.folder, capture_output=True)
        except OSError:
            raise ReformctlError("--commit 需要 git，但找不到 git 命令；未修改") from None

    def head(self) -> bytes | None:
        shown = self.run("show", f"HEAD:./{self.name}")
        return None if shown.returncode else shown.stdout

    def ready(self, new: bytes) -> bool:
        """Whether to commit after writing `new`: True when the file equals HEAD now, False when
        `new` is HEAD's content (nothing to commit). Anything else is refused, before writing."""
        head = self.head()
        changed = self.run("status", "--porcelain", "--untracked-files=all", "--", self.name).stdout.strip()
        if head is not None and not changed:
            return True
        if head is not None and new == head:
            return False
        why = "还没有提交过" if head is None else "已有未提交的改动"
        raise ReformctlError(
            f"{self.shown} {why}，--commit 会把它们一并提交，所以没有修改。"
            f"请先提交（git commit {self.name}）或放弃（git checkout -- {self.name}）这些改动，"
            "或者不加 --commit 再运行"
        )

    def commit(self, message: str) -> None:
        done = self.run("commit", "-q", "-m", message, "--only", "--", self.name)
        if done.returncode:
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise ReformctlError(
                f"已写入 {self.shown}，但 git 提交失败：{said}",
                [
                    f"文件已修改、未暂存、未提交。请检查后自行提交（git commit {self.name}），"
                    "或用 reformctl undo 撤销；再次运行同一命令会被拒绝，不会重复记录"
                ],
            )
