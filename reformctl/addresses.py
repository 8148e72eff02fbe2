"""An e-mail address as the plan gives it: exactly one addr-spec (`name@example.org`), nothing else.

A department's address goes into a message's To header: a comma there mails a second
recipient, a display name or angle brackets can hide the address that is really used, and a
line break starts a header of its own. `validate` reports such an address at its line, and
`remind --mail` sends nothing to it; both ask `why_bad`, so they can never disagree.
"""

from __future__ import annotations

import re

_SEVERAL = re.compile("[,;，；、]")
_NAMED = re.compile('[<>"()＜＞《》]')
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def why_bad(address: str) -> str | None:
    """Why `address` is not exactly one plain e-mail address, in Chinese (the address shown with
    its control characters escaped); None when it is one."""
    shown = f"电子邮箱 {address!r}"
    if not address:
        return f"{shown} 为空：请填写地址，或删去这一项"
    if _SEVERAL.search(address):
        return f"{shown} 只能写一个地址，不能用逗号、分号或顿号分隔多个"
    if _NAMED.search(address):
        return f"{shown} 只写地址本身，如 name@example.org，不带姓名、引号或尖括号"
    if _BLANK_OR_CONTROL.search(address):
        return f"{shown} 含有空格、换行或控制字符"
    if "＠" in address:
        return f"{shown} 中的 ＠ 是全角字符，请改为半角 @"
    local, at, domain = address.partition("@")
    if not at or "@" in domain:
        return f"{shown} 应恰好含一个 @"
    if not local or not domain:
        return f"{shown} 的 @ 前后都应有内容，如 name@example.org"
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    try:
        parsed = Address(addr_spec=address).addr_spec
    except (ValueError, IndexError, HeaderParseError):
        parsed = None
    return None if parsed == address else f"{shown} 不是有效的电子邮箱地址"
