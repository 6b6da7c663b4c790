"""``pip install .`` puts resources/ inside the package, never at the top of site-packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pip_install_provides_twiorm_resources_and_no_top_level_resources(
    tmp_path: Path,
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    assert (target / "twiorm" / "resources" / "call.py").is_file()
    assert (target / "twiorm" / "py.typed").is_file()
    assert not (target / "resources").exists()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from twiorm.resources import Call, Number;"
        "import twiorm.sandbox, twiorm.demo;"
        "import twiorm; print(twiorm.__file__)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe, str(target)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout
    assert shown.strip().startswith(str(target))
