"""Lines broken as Chinese typesetting breaks them (避头尾), for help and for the screens: a
closing mark never starts a line, and a run of ASCII (an id, a file name) is never cut in two.
Only rich's cell widths are used here, so help never starts rich's console."""

from __future__ import annotations

import re

from rich.cells import cell_len

ASCII_WORD = "".join(chr(c) for c in range(33, 127))  # letters, digits, ASCII punctuation: no space
# A path or an address, with the Chinese in it (docs/签约.pdf, 证明/揭牌.pdf): after a slash, up to a
# space or Chinese punctuation, it is one word, though not all ASCII.
PATH = re.compile(r"[!-~]*[/\\][^\s，。；：、（）「」《》！？“”‘’【】]+")
CLOSING = set("，。、；：？！）」』》〉】〕”’…%,.;:?!)]}")  # never at the start of a line (避头尾)


def kinsoku(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken as Chinese typesetting does: a closing punctuation
    mark never starts a line (it takes the word or character before it along), and a run of
    ASCII (docs/签约.pdf, json) is not cut in two."""
    lines, current, size = [], "", 0
    paths = [found.span() for found in PATH.finditer(text)]
    for n, char in enumerate(text):
        wide = cell_len(char)
        if size + wide > width and current:
            closing = text[n:].lstrip(" ")[:1] in CLOSING
            trimmed = current.rstrip(" ") if closing else current
            if closing:  # closing marks already at the line's end go along too (Word），)
                trimmed = trimmed.rstrip("".join(CLOSING)) or trimmed
            word = len(trimmed) - len(trimmed.rstrip(ASCII_WORD))
            rest = len(text[n:]) - len(text[n:].lstrip(ASCII_WORD))  # the word's part still to come
            take = word if 0 < word < len(trimmed) and word + rest <= width else 0
            if word and word + rest > width and not closing:  # longer than a line: a line of its own,
                slash = trimmed.rfind("/")  # cut before a slash (https://x.cn/art /art_1.html)
                take = word if word < len(trimmed) else (len(trimmed) - slash if slash > 0 else 0)
            if closing:
                take = min(len(current) - len(trimmed) + max(take, 1), len(current) - 1)
            elif char not in ASCII_WORD:
                take = 0
            while 0 < take < len(current) - 1 and current[-take] in CLOSING and current[-take - 1] != " ":
                take += 1  # the carried part must not start with one either (签约.pdf: 约.pdf goes on)
            cut = n - take  # where the next line would start: inside a path, all of the path goes on
            start, end = next(((a, b) for a, b in paths if a < cut < b), (cut, cut))
            if 0 < n - start < len(current) and cell_len(text[start:end]) <= width:
                take = n - start
            carried, current = current[len(current) - take :], current[: len(current) - take]
            lines.append(current.rstrip())
            current = carried.lstrip()
            size = cell_len(current)
        if char == " " and not current and lines:
            continue  # no continued line starts with a space
        current += char
        size += wide
    return [*lines, current] if current or not lines else lines
