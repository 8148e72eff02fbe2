"""The benchmark measures real plans: what it generates is valid, in the project's own format."""

from __future__ import annotations

import importlib.util

from conftest import ROOT

from reformctl import query, reader


def test_generated_plans_validate():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    plan = reader.parse(bench.generate(250), "bench").plan
    rows = query.rows(plan)
    assert len(rows) == 250 and rows[-1].id == "3.50"
    assert sum(row.due is not None for row in rows) == 83 and sum(bool(row.history) for row in rows) == 50
