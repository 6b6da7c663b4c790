"""The README's examples run: each block marked ``<!-- example: NAME -->`` is executed here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import twiorm.sandbox
from twiorm.resources import Call

README = Path(__file__).resolve().parents[1] / "README.md"


def example(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {name}\b.*?-->\s*```python\n(.*?)```", text, re.S)
    assert match, f"README has no example {name!r}"
    return match.group(1)


def test_custom_resources_example(capsys: pytest.CaptureFixture[str]) -> None:
    with twiorm.sandbox.run() as sandbox, sandbox.as_default():
        sandbox.seed(Call, n=3, price="-0.0125", price_unit="USD")
        exec(compile(example("custom-resources"), str(README), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    assert all(line.endswith("0.01 USD") for line in printed)


def test_shapes_example() -> None:
    namespace: dict[str, object] = {}
    exec(compile(example("shapes"), str(README), "exec"), namespace)
    template = namespace["Template"]
    assert template._meta.operations["approve"].describe() == "POST /v1/Content/{sid}"  # type: ignore[attr-defined]


def test_sandbox_example(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(example("sandbox"), str(README), "exec"), {})
    assert capsys.readouterr().out.split() == ["5000", "1"]  # one request for ten records


def test_the_readme_starts_with_the_demo_and_the_tests() -> None:
    first_block = README.read_text(encoding="utf-8").split("```")[1]
    assert "python -m twiorm demo" in first_block
    assert "python -m pytest" in first_block
