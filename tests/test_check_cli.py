"""`govnlp check`: JSON lines per rule result, stderr summary, error records, exit codes."""

from __future__ import annotations

import json

from conftest import SEED_FILES
from typer.testing import CliRunner

from nlp.cli import app

FIELDS = {"source", "rule", "status", "severity", "message", "expected", "actual", "cells"}


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # Click >= 8.2 always keeps stderr apart
        return CliRunner()


def _seed(prefix: str):
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def test_check_writes_one_json_line_per_rule_and_a_summary(tmp_path) -> None:
    out = tmp_path / "checks.jsonl"
    res = _runner().invoke(app, ["check", str(_seed("004")), "-o", str(out)])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all(set(r) == FIELDS for r in records)
    assert {r["source"] for r in records} == {str(_seed("004"))}
    assert {r["status"] for r in records} <= {"PASS", "FAIL", "UNCERTAIN", "NOT_ASSESSABLE"}
    assert any(r["rule"] == "A1.identity.natural_person" and r["status"] == "PASS" for r in records)
    assert "PASS" in res.stderr and str(_seed("004")) in res.stderr


def test_bad_input_gives_an_error_record_and_the_run_goes_on(tmp_path) -> None:
    missing = tmp_path / "missing.txt"
    res = _runner().invoke(app, ["check", str(missing), str(_seed("000"))])
    assert res.exit_code == 1  # an input that cannot be read: exit 1, as the other batch commands
    records = [json.loads(line) for line in res.stdout.splitlines()]
    errors = [r for r in records if r["status"] == "ERROR"]
    assert len(errors) == 1 and errors[0]["source"] == str(missing) and "not found" in errors[0]["message"]
    assert any(r["source"] == str(_seed("000")) for r in records)


def test_strict_exit_code_and_fail_lines_on_stderr(tmp_path) -> None:
    text = _seed("004").read_text(encoding="utf-8")
    broken = tmp_path / "broken.txt"
    # 一、本年新收 2 → 3 in the natural-person column only: A1 and A3 fail for that row/column.
    broken.write_text(
        text.replace("一、本年新收政府信息公开申请数量\t\t2", "一、本年新收政府信息公开申请数量\t\t3"),
        encoding="utf-8",
    )
    runner = _runner()
    lax = runner.invoke(app, ["check", str(broken)])
    assert lax.exit_code == 0
    strict = runner.invoke(app, ["check", str(broken), "--strict"])
    assert strict.exit_code == 2
    fails = {json.loads(line)["rule"] for line in strict.stdout.splitlines() if '"FAIL"' in line}
    assert {"A1.identity.natural_person", "A3.row_total.new_received"} <= fails
    assert "FAIL A1.identity.natural_person" in strict.stderr and "expected" in strict.stderr
    ok = runner.invoke(app, ["check", str(_seed("004")), "--strict"])
    assert ok.exit_code == 0


def test_previous_report_enables_cross_year_rules() -> None:
    res = _runner().invoke(app, ["check", str(_seed("004")), "--previous", str(_seed("002"))])
    assert res.exit_code == 0
    b6 = [json.loads(line) for line in res.stdout.splitlines() if '"B6.carry_over.' in line]
    assert len(b6) == 7 and {r["status"] for r in b6} == {"PASS"}
    assert any(c["ref"].startswith("previous.") for c in b6[0]["cells"])
