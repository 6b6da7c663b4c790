"""How twiorm installs: resources/ goes inside the package, never at the top of site-packages,
and the README's editable install is a plain path that type checkers can follow.

``build_readme_venv`` runs the README's install command once per session in a fresh virtual
environment; tests/test_type_checkers.py uses the same one.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def readme_install_command() -> list[str]:
    """The README's install command (``pip install -e '.[test]'``), as arguments."""
    first_line = README.read_text(encoding="utf-8").split("```")[1].splitlines()[1]
    command = shlex.split(first_line.split("&&")[0])
    assert command[:2] == ["pip", "install"], first_line
    return command


def clean_env() -> dict[str, str]:
    """This process's environment, minus what would point a child at this environment."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYRIGHT_PYTHON_FORCE_VERSION"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"  # no PyPI query for a newer pyright
    return env


_readme_venvs: list[Path] = []


def build_readme_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the python of a fresh venv made by the README's install command, in this
    checkout (once per session: every caller shares it)."""
    if _readme_venvs:
        return _readme_venvs[0]
    venv = tmp_path_factory.mktemp("readme-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip, install, *rest = readme_install_command()
    done = subprocess.run(
        [str(python), "-m", pip, install, "--quiet", *rest],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{shlex.join(readme_install_command())} failed:\n{done.stderr}"
    _readme_venvs.append(python)
    return python


@pytest.fixture(scope="session")
def readme_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_readme_venv(tmp_path_factory)


def run_in(python: Path, *args: str, cwd: Path) -> str:
    done = subprocess.run(
        [str(python), *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_twiorm_resources_is_the_symlink_to_resources() -> None:
    link = ROOT / "twiorm" / "resources"
    assert link.is_symlink(), (
        "twiorm/resources must be the symlink to ../resources that git holds "
        "(on Windows, clone with `git config core.symlinks true`)"
    )
    assert os.readlink(link) in ("../resources", "..\\resources")
    assert (link / "call.py").samefile(ROOT / "resources" / "call.py")


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
    # the generated domains and their typed surface (stubs) come too
    assert (target / "twiorm" / "resources" / "conversations" / "v1.py").is_file()
    assert (target / "twiorm" / "resources" / "api" / "v2010_types.pyi").is_file()
    assert not (target / "twiorm" / "resources").is_symlink()  # the files themselves
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


@pytest.mark.slow
def test_the_sdist_holds_files_not_the_symlink_and_builds_the_wheel(tmp_path: Path) -> None:
    def build(kind: str, source: Path) -> Path:
        out = tmp_path / kind
        script = f"from setuptools import build_meta; print(build_meta.build_{kind}({str(out)!r}))"
        name = run_in(Path(sys.executable), "-c", script, cwd=source).strip().splitlines()[-1]
        return out / name

    sdist = build("sdist", ROOT)
    with tarfile.open(sdist) as archive:
        members = {Path(m.name).relative_to(sdist.name.removesuffix(".tar.gz")): m for m in archive}
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(tmp_path / "unpacked", **safe)  # type: ignore[arg-type]
    call = members[Path("twiorm/resources/call.py")]
    assert call.isfile()
    assert not any(m.issym() or m.islnk() for m in members.values())
    wheel = build("wheel", tmp_path / "unpacked" / sdist.name.removesuffix(".tar.gz"))
    with zipfile.ZipFile(wheel) as zipped:
        names = set(zipped.namelist())
    assert {
        "twiorm/resources/__init__.py",
        "twiorm/resources/call.py",
        "twiorm/resources/api/v2010.py",
        "twiorm/resources/api/v2010_types.pyi",
        "twiorm/py.typed",
    } <= names
    assert not any(name.startswith("resources/") for name in names)


@pytest.mark.slow
def test_the_readme_install_is_a_plain_path_that_imports_and_runs_the_demo(
    readme_venv: Path, tmp_path: Path
) -> None:
    site = Path(
        run_in(
            readme_venv,
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
            cwd=tmp_path,
        ).strip()
    )
    (pth,) = (path for path in site.glob("*.pth") if "twiorm" in path.name)
    # The checkout's directory on a line of its own, which type checkers follow; not an
    # `import` of an __editable__ finder (an import hook, which they cannot see).
    assert [Path(line).resolve() for line in pth.read_text().splitlines()] == [ROOT]
    assert not list(site.glob("__editable__*finder*"))
    # Run away from the checkout, so that the install and not the current directory answers.
    shown = run_in(
        readme_venv,
        "-c",
        "import twiorm.resources; print(twiorm.resources.__file__)",
        cwd=tmp_path,
    )
    assert Path(shown.strip()) == ROOT / "twiorm" / "resources" / "__init__.py"
    demo = run_in(readme_venv, "-m", "twiorm", "demo", cwd=tmp_path)
    assert "done:" in demo
