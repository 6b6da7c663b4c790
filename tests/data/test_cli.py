"""The twiorm command: lists, gets and exports against the sandbox, and its exit codes."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from twiorm.cli import main, option_name
from twiorm.resources import Call
from twiorm.sandbox import Sandbox

UTC = timezone.utc


@pytest.fixture
def env(twilio_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio_sandbox.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_sandbox.auth_token)
    monkeypatch.setenv("TWIORM_BASE_URL", twilio_sandbox.url)
    return twilio_sandbox


def test_filters_are_options_named_as_the_official_keywords() -> None:
    assert option_name("start_time__gte") == "--start-time-after"
    assert option_name("from_") == "--from"


def test_list_prints_json_lines_with_filters(
    env: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    env.seed(Call, 5, to="+14155550100", start_time=datetime(2026, 11, 3, tzinfo=UTC))
    env.seed(Call, 3, to="+14155550199", start_time=datetime(2026, 10, 3, tzinfo=UTC))
    status = main(
        [
            "api.v2010.calls",
            "list",
            "--to",
            "+14155550100",
            "--start-time-after",
            "2026-11-01",
            "--limit",
            "4",
            "--format",
            "json",
            "--fields",
            "sid,to",
        ]
    )
    assert status == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 4
    assert {row["to"] for row in rows} == {"+14155550100"}


def test_get_and_csv_and_table(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    (call,) = env.seed(Call, 1)
    assert main(["api.v2010.calls", "get", str(call.sid)]) == 0
    assert json.loads(capsys.readouterr().out)["sid"] == call.sid
    assert main(["api.v2010.calls", "list", "--format", "csv", "--fields", "sid,status"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "sid,status"
    assert main(["api.v2010.calls", "list", "--format", "table", "--fields", "sid"]) == 0
    assert call.sid in capsys.readouterr().out


def test_export_a_date_range_to_parquet(env: Sandbox, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    env.seed(Call, 4, start_time=datetime(2026, 11, 2, 12, tzinfo=UTC))
    env.seed(Call, 2, start_time=datetime(2026, 11, 9, 12, tzinfo=UTC))
    out = tmp_path / "calls.parquet"
    args = ["api.v2010.calls", "export", "--start", "2026-11-01", "--end", "2026-11-08"]
    assert main([*args, "--format", "parquet", "--out", str(out)]) == 0
    assert pq.read_table(out).num_rows == 4


def test_exit_codes(
    env: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["api.v2010.nothing_here", "list"]) == 2
    assert "nothing_here" in capsys.readouterr().err
    assert main(["api.v2010.calls", "get", "CA" + "0" * 32]) == 4  # a 404 from Twilio
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong-token-0123456789")
    assert main(["api.v2010.calls", "list"]) == 3
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    assert main(["api.v2010.calls", "list"]) == 5
    assert main(["--version"]) == 0
    assert "twiorm" in capsys.readouterr().out


def test_help_lists_the_filters(env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["api.v2010.calls", "list", "--help"])
    assert "--start-time-after" in capsys.readouterr().out
