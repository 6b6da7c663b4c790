"""A user's type checker sees twiorm.resources: mypy (strict) and pyright (strict) both resolve
it and agree on the types, in the venv made by the README's install command."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_packaging import build_readme_venv, clean_env

# Each reveal_type line says what both checkers must reveal; each "# expect-error" line must
# be an error (and no other line may be), in both checkers.
USER_SCRIPT = """\
from datetime import date

import twiorm
from twiorm.resources import Call, Number

client = twiorm.Client("AC" + "0" * 32, "token")
call = Call.objects.get("CA0123456789abcdef0123456789abcdef")
reveal_type(call)  # expect: Call
reveal_type(Call.objects.get("CA0123456789abcdef0123456789abcdef").duration)  # expect: int | None
reveal_type(Number.objects.filter().first())  # expect: IncomingPhoneNumber | None
for each in Call.objects.filter(status="completed")[:5]:
    reveal_type(each)  # expect: Call
reveal_type(Call.objects.filter(from_="+14159355555", start_time__gte=date(2026, 1, 1))[:20])  # expect: CallQuerySet
reveal_type(client.api.v2010.calls)  # expect: CallList
reveal_type(client.api.v2010.calls.list(from_="+14155550100", start_time_after=date(2026, 1, 1)))  # expect: list[Call]
reveal_type(client.api.v2010.calls("CA0123").fetch())  # expect: Call
reveal_type(client.api.v2010.calls("CA0123").start_time)  # expect: datetime | None
reveal_type(client.api.v2010.conferences("CF0123").participants.stream(limit=50))  # expect: Iterator[Participant]
reveal_type(client.calls.create(to="+14155550100", from_="+14155550199", url="https://e.com/t"))  # expect: Call
reveal_type(client.messaging.v1.services)  # expect: ServiceList
reveal_type(client.api.v2010.account.calls)  # expect: CallList
reveal_type(client.api.incoming_phone_numbers)  # expect: IncomingPhoneNumberList
reveal_type(Call.from_record({"sid": "CA0123"}))  # expect: Call
Call.objects.filter(status=twiorm.Unlisted("answered-by-robot"))
call.update(status="completed")


async def main() -> None:
    reveal_type(await client.api.v2010.calls.list_async(status="busy"))  # expect: list[Call]
    reveal_type(await Call.objects.aget("CA0123"))  # expect: Call
    await Call.objects.acreate(from_="+14155550199", url="https://e.com/t")  # expect-error


duration: str = call.duration  # expect-error
Call.objects.filter(form_="+14155550100")  # expect-error
Call.objects.create(to=1234, from_="+14155550199", url="https://e.com/t")  # expect-error
Call.objects.create(from_="+14155550199", url="https://e.com/t")  # expect-error
Call.objects.filter(status="answered-by-robot")  # expect-error
client.api.v2010.calls("CA0123").update(status="queued")  # expect-error
"""


def expectations() -> tuple[dict[int, str], list[int]]:
    """The expected revealed type by line number (1-based), and the lines of the errors."""
    lines = USER_SCRIPT.splitlines()
    revealed = {
        n: line.split("# expect: ")[1] for n, line in enumerate(lines, 1) if "# expect: " in line
    }
    errors = [n for n, line in enumerate(lines, 1) if line.endswith("# expect-error")]
    return revealed, errors


def short(type_text: str) -> str:
    """``twiorm.resources.call.Call | None`` -> ``Call | None``: mypy names the module."""
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", type_text)


@pytest.fixture(scope="session")
def readme_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_readme_venv(tmp_path_factory)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project away from the checkout: the install, not the directory, answers."""
    (tmp_path / "user.py").write_text(USER_SCRIPT, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    (tmp_path / "pyrightconfig.json").write_text(
        '{"typeCheckingMode": "strict"}\n', encoding="utf-8"
    )
    return tmp_path


def check(python: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", *args],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def mypy_findings(python: Path, project: Path) -> tuple[dict[int, str], list[tuple[int, str]]]:
    done = check(python, project, "mypy", "--strict", "--cache-dir", ".mypy_cache", "user.py")
    assert done.returncode == 1, done.stdout + done.stderr  # 1: it found errors (and ran)
    revealed, errors = {}, []
    for line in done.stdout.splitlines():
        found = re.match(r"user\.py:(\d+): (note|error): (.*)", line)
        if found is None:
            continue
        number, severity, message = int(found[1]), found[2], found[3]
        if severity == "error":
            errors.append((number, message))
        elif shown := re.fullmatch(r'Revealed type is "(.*)"', message):
            revealed[number] = short(shown[1])
    return revealed, errors


def pyright_findings(python: Path, project: Path) -> tuple[dict[int, str], list[tuple[int, str]]]:
    done = check(python, project, "pyright", "--outputjson", "--pythonpath", str(python), "user.py")
    assert done.returncode == 1, done.stdout + done.stderr  # 1: it found errors (and ran)
    revealed, errors = {}, []
    for diagnostic in json.loads(done.stdout)["generalDiagnostics"]:
        number = diagnostic["range"]["start"]["line"] + 1
        message = f"{diagnostic['message']} ({diagnostic.get('rule', '')})"
        if diagnostic["severity"] == "error":
            errors.append((number, message))
        elif shown := re.fullmatch(r'Type of ".*" is "(.*)"', diagnostic["message"], re.S):
            revealed[number] = short(shown[1])
    return revealed, errors


@pytest.mark.slow
def test_mypy_and_pyright_resolve_twiorm_resources_and_agree(
    readme_venv: Path, project: Path
) -> None:
    expected, error_lines = expectations()
    mypy_revealed, mypy_errors = mypy_findings(readme_venv, project)
    pyright_revealed, pyright_errors = pyright_findings(readme_venv, project)
    # An unresolved import shows as an error on line 1 and every type as Any / Unknown.
    assert sorted({number for number, _ in mypy_errors}) == error_lines, mypy_errors
    assert sorted({number for number, _ in pyright_errors}) == error_lines, pyright_errors
    mypy_by_line = {n: " ".join(m for k, m in mypy_errors if k == n) for n in error_lines}
    pyright_by_line = {n: " ".join(m for k, m in pyright_errors if k == n) for n in error_lines}
    # each error says what is wrong, in both
    duration, misspelt, wrong_type, missing, unknown_choice, update_choice = error_lines[1:]
    assert 'has type "int | None"' in mypy_by_line[duration]
    assert '"int | None"' in pyright_by_line[duration]
    assert 'did you mean "from_"' in mypy_by_line[misspelt]
    assert 'No parameter named "form_"' in pyright_by_line[misspelt]
    assert '"to"' in mypy_by_line[wrong_type]
    assert '"int"' in mypy_by_line[wrong_type]
    assert '"to"' in pyright_by_line[wrong_type]
    assert 'Missing named argument "to"' in mypy_by_line[missing]
    assert 'missing for parameter "to"' in pyright_by_line[missing]
    assert "Unlisted" in mypy_by_line[unknown_choice]
    assert "Unlisted" in pyright_by_line[unknown_choice]
    assert "'canceled', 'completed'" in mypy_by_line[update_choice]
    assert "'canceled', 'completed'" in pyright_by_line[update_choice]
    assert mypy_revealed == expected
    assert pyright_revealed == expected
