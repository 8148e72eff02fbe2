"""Random sequences of status changes and undos over random items, under both YAML parsers:
the file always validates, holds exactly the expected data, and differs from the original
only inside the items that were changed."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import DATA, real_ids
from hypothesis import given, settings
from hypothesis import strategies as st

from reformctl import edit, query, reader, splice

pytestmark = pytest.mark.slow  # hypothesis: hundreds of edit sequences under both parsers

ORIGINAL = DATA.read_text(encoding="utf-8")
STATUSES = ["todo", "doing", "done", "blocked"]

operation = st.tuples(
    st.deferred(lambda: st.sampled_from(real_ids())),  # read when the test runs
    st.sampled_from([*STATUSES, "undo"]),
    # Hostile notes too: YAML's own line breaks (NEL, LS), controls, bidi marks, markup.
    st.none() | st.text(alphabet="进展，,: #\"'-见附件abc1\x1b\x85\u2028\u202e[/]\t\n\\", min_size=1, max_size=8),
    st.dates(dt.date(2020, 7, 3), dt.date.today()),  # from the signing date to today
)


def block(text: str, root: yaml.Node, plan, ident: str) -> tuple[int, int]:
    node = reader.find_node(root, edit.row_loc(plan, ident))
    start = splice.line_start(text, node.start_mark.index)
    return start, splice.after_line(text, splice.end_of(node))


@pytest.mark.parametrize("parser", ["c", "pure"])
@settings(max_examples=60, deadline=None)
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_random_edits(parser: str, operations: list[tuple[str, str, str | None, dt.date]]):
    saved = reader.use_parser(parser if yaml.__with_libyaml__ else "pure")
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.yaml"
            path.write_text(ORIGINAL, encoding="utf-8")
            expected = {ident: ("todo", []) for ident in real_ids()}
            for ident, status, note, day in operations:
                current, history = expected[ident]
                if status == "undo":
                    if not history:
                        with pytest.raises(edit.Refused):
                            edit.undo(path, ident)
                        continue
                    edit.undo(path, ident)
                    expected[ident] = (history[-1][1], history[:-1])
                elif status == current and not note:
                    assert edit.set_status(path, ident, status, day, note) is None
                else:
                    edit.set_status(path, ident, status, day, note)
                    expected[ident] = (status, [*history, (day, current, status, note)])

            final = reader.parse(path.read_text(encoding="utf-8"), "final")
            got = {
                row.id: (row.status, [(r.date, r.from_, r.status, r.note) for r in row.history])
                for row in query.rows(final.plan)
            }
            assert got == expected

            # Put the original text back into every touched item: the rest must be untouched.
            original = reader.parse(ORIGINAL, "original")
            text = final.text
            touched = sorted({op[0] for op in operations}, key=real_ids().index, reverse=True)
            for ident in touched:
                start, end = block(text, final.root, final.plan, ident)
                o_start, o_end = block(ORIGINAL, original.root, original.plan, ident)
                text = text[:start] + ORIGINAL[o_start:o_end] + text[end:]
            assert text == ORIGINAL
    finally:
        reader.use_parser(saved)
