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
import requests

import twiorm
import twiorm.version
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


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"twiorm {twiorm.version.__version__}\n"


USERS_MODULE = """
from twiorm import Resource, fields


class Widget(Resource):
    class Meta:
        path = "/v1/Widgets/{sid}"
        domain = "shop"
        verbs = ("list", "fetch", "create")
        list_key = "widgets"

    sid = fields.Sid("WG")
    account_sid = fields.Sid("AC")
    name = fields.Str(create=True)
"""


@pytest.mark.slow
def test_the_sandbox_command_serves_and_seeds_a_users_module(tmp_path: Path) -> None:
    (tmp_path / "shop_resources.py").write_text(USERS_MODULE)
    command = ["sandbox", "--port", "0", "--module", "shop_resources", "--seed", "Widget=2"]
    server = subprocess.Popen(
        [sys.executable, "-m", "twiorm", *command],
        cwd=tmp_path,  # python -m puts the working directory on sys.path, as for a user
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline() for _ in range(5)]
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        sid = re.search(r"account SID\s+(AC[0-9a-f]{32})", banner[1])
        token = re.search(r"auth token\s+(\S+)", banner[2])
        assert url, banner
        assert sid, banner
        assert token, banner
        assert "imported     shop_resources (Widget)" in banner[4]
        listed = requests.get(
            f"{url.group(1)}/v1/Widgets", auth=(sid.group(1), token.group(1)), timeout=5
        )
        assert listed.status_code == 200, listed.text
        assert len(listed.json()["widgets"]) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=10)
    assert server.returncode == 0, err


@pytest.mark.parametrize(
    ("module", "source", "reason"),
    [
        ("twiorm_no_such_module", None, "No module named 'twiorm_no_such_module'"),
        ("twiorm_no_such_package.resources", None, "No module named 'twiorm_no_such_package'"),
        ("", None, "ValueError: Empty module name"),
        ("broken_on_import", "x = 1\nraise RuntimeError('boom')\n", "RuntimeError: boom ("),
        ("broken_syntax", "class (:\n", "SyntaxError: "),
    ],
)
def test_a_module_that_cannot_be_imported_is_one_line_and_exit_2(
    module: str,
    source: str | None,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if source is not None:
        (tmp_path / f"{module}.py").write_text(source)
        monkeypatch.syspath_prepend(tmp_path)
    assert main(["sandbox", "--port", "0", "--module", module]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"python -m twiorm sandbox: cannot import module {module!r}: ")
    assert reason in err
    assert "Traceback" not in err
    if source is not None and "RuntimeError" in reason:
        assert f"{module}.py:2)" in err  # where the user's code failed


def test_a_regular_install_ships_every_package() -> None:
    from setuptools import find_packages

    root = Path(__file__).resolve().parents[2]
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg")
    assert config["options"]["packages"].strip() == "find:"
    include = [name.strip() for name in config["options.packages.find"]["include"].split(",")]
    shipped = set(find_packages(where=str(root), include=include))
    on_disk = {
        ".".join(init.parent.relative_to(root).parts)
        for init in [
            *(root / "twiorm").rglob("__init__.py"),
            *(root / "resources").rglob("__init__.py"),
        ]
    }
    on_disk = {
        name.replace("resources", "twiorm.resources", 1) if name.startswith("resources") else name
        for name in on_disk
    }
    assert on_disk <= shipped
    assert "twiorm.resources.conversations" in shipped  # a generated domain
