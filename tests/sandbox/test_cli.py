"""``python -m twiorm demo`` and ``python -m twiorm sandbox``, run as a user would."""

from __future__ import annotations

import configparser
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import twiorm
from twiorm.__main__ import main
from twiorm.resources import Call


@pytest.mark.slow
def test_the_demo_runs_and_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "twiorm", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "a local Twilio sandbox at http://127.0.0.1:" in out
    assert re.search(r"streamed 3201 calls in 4 pages", out)
    assert "BadRequestError, HTTP 400, code 21212" in out
    assert "OutgoingCallerId.DoesNotExist [20404]" in out
    assert "number.save()  -> 'https://example.com/voice'" in out


@pytest.mark.slow
def test_the_sandbox_command_serves_until_terminated() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "twiorm", "sandbox", "--port", "0", "--seed", "Call=3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline() for _ in range(4)]
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        sid = re.search(r"account SID\s+(AC[0-9a-f]{32})", banner[1])
        token = re.search(r"auth token\s+(\S+)", banner[2])
        assert url, banner
        assert sid, banner
        assert token, banner
        client = twiorm.Client(sid.group(1), token.group(1), base_url=url.group(1))
        assert Call.objects.using(client).count() == 3
        client.requestor.transport.session.close()  # type: ignore[attr-defined]
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=10)
    assert server.returncode == 0, err
    assert "sandbox stopped" in out


def test_unknown_seed_resources_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", "--seed", "Fax=3"])
    assert exited.value.code == 2
    assert "unknown resource 'Fax'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--seed", "Call=-5"], "COUNT ≥ 0"),
        (["--seed", "Call=many"], "COUNT ≥ 0"),
        (["--seed", "Participant=5"], "Participant belongs to a parent (conference_sid)"),
        (["--account-sid", "ACxyz"], "an account SID is AC and 32 hex digits"),
        (["--port", "70000"], "a port is 0 to 65535"),
    ],
)
def test_bad_arguments_are_usage_errors_not_tracebacks(
    argv: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert problem in err
    assert "Traceback" not in err


def test_a_port_in_use_is_reported_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["sandbox", "--port", str(taken.getsockname()[1])]) == 2
    err = capsys.readouterr().err
    assert "cannot listen on port" in err
    assert "Traceback" not in err


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    assert "demo" in capsys.readouterr().err


def test_a_regular_install_ships_every_package() -> None:
    root = Path(__file__).resolve().parents[2]
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    on_disk = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "twiorm").rglob("__init__.py")
    }
    assert on_disk <= listed
