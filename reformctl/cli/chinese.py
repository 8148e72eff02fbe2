"""click's and Typer's own messages, said in Chinese: usage errors as the user sees them.

click writes these in English, hard-coded (there is no catalogue to install), so the text it
would print is translated here, pattern by pattern, before it reaches the terminal. A message
no pattern knows is left as it is rather than guessed at; the tests run every usage error.
"""

from __future__ import annotations

import re

# (pattern, replacement), applied in order to the whole message.
PATTERNS = [
    (r"^Usage: ", "用法："),
    (r"\[OPTIONS\]", "[选项]"),
    (r"COMMAND \[ARGS\]\.\.\.", "命令 [参数]..."),
    (r"Try '([^']+)' for help\.", r"请用 '\1' 查看帮助。"),
    (r"^Error: ", "错误："),
    (r"No such command '([^']*)'\. Did you mean ([^?]+)\?", r"没有这个命令 '\1'，是不是 \2？"),
    (r"No such command '([^']*)'\.", r"没有这个命令 '\1'。"),
    (r"No such option: (\S+) \(Possible options: ([^)]*)\)", r"没有这个选项：\1（可用的选项：\2）"),
    (r"No such option: (\S+) Did you mean ([^?]+)\?", r"没有这个选项：\1，是不是 \2？"),
    (r"No such option: (\S+)", r"没有这个选项：\1"),
    (r"Missing argument '([^']*)'\.", r"缺少参数 '\1'。"),
    (r"Missing option '([^']*)'( / '[^']*')?\.", r"缺少选项 '\1'\2。"),
    (r"Missing command\.", "缺少命令。"),
    (r"Option '([^']*)' requires an argument\.", r"选项 '\1' 后面需要一个值。"),
    (r"Option '([^']*)' requires (\d+) arguments\.", r"选项 '\1' 后面需要 \2 个值。"),
    (r"Option '([^']*)' does not take a value\.", r"选项 '\1' 不接受值。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \(([^)]*)\)", r"多余的参数：\1"),
    (r"Invalid value for '([^']*)': ", r"'\1' 的值无效："),
    (r"Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    (r"Input should be a valid integer", "应为整数"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"Input should be a valid date", "应为日期"),
    (r"Path '([^']*)' does not exist\.", r"路径 '\1' 不存在。"),
]


def translated(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = re.sub(pattern, replacement, text, flags=re.M)
    return text
