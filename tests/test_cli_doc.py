from __future__ import annotations

from pathlib import Path

from conftest import run


def test_doc_shows_the_notice(plan_file: Path):
    result = run("doc")
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("\n", "")
    for words in [
        "2020年科协系统深化改革重点任务",
        "文号：科协办发调字〔2020〕12号",
        "发文机关：中国科协办公厅",
        "成文日期：2020-07-03",
        "印发日期：2020-07-06",
        "1. 坚持改革创新。坚定改革信心",
        "3. 尊重首创精神。",
        "6. 创新“科创中国”工作机制，促进产学研深度融合（牵头部门：学会部、办公厅、组人部）",
        "以上12项改革任务",
    ]:
        assert words in out, words
