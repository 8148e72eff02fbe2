"""Generated regions of the docs: text between `<!-- begin NAME -->` and `<!-- end NAME -->`.

A generator rewrites only what stands between its own pair of markers, and only when the pair
is there exactly once; everything else in the page is never touched. The tests compare each
region with what its generator makes now, so a stale region fails.
"""

from __future__ import annotations

import re


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- begin {re.escape(name)} -->\n)(.*?)(<!-- end {re.escape(name)} -->)", re.S)


def region(text: str, name: str) -> str:
    """What stands between the markers named `name`; an AssertionError unless there is exactly one pair."""
    found = _pattern(name).findall(text)
    begins = text.count(f"<!-- begin {name} -->")
    assert len(found) == 1 and begins == 1, f"the page needs exactly one <!-- begin {name} --> … <!-- end {name} -->"
    return str(found[0][1])


def replaced(text: str, name: str, new: str) -> str:
    """The page with only the region `name` replaced by `new` (ending in a newline)."""
    region(text, name)  # exactly one pair, or fail before touching anything
    return _pattern(name).sub(lambda m: m.group(1) + new + m.group(3), text, count=1)
