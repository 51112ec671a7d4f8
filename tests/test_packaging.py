"""The package installs: a built wheel holds every subpackage and every shipped model, and the installed
package runs the main job on the samples from outside the checkout, with no path to the repository."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot build a wheel here (offline?): {res.stderr[-500:]}")
    return next(out.glob("govnlp-*.whl"))


def test_wheel_holds_every_package_and_model(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (ROOT / "nlp").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names, f"{init.parent} is not listed in pyproject packages"
    # nothing stale from an earlier build directory: every module in the wheel is in the source
    stale = [n for n in names if n.startswith("nlp/") and n.endswith(".py") and not n.startswith("nlp/models/")
             and not (ROOT / n).is_file()]
    assert not stale, f"stale modules in the wheel (remove build/): {stale}"
    for f in (ROOT / "models").rglob("*"):
        if f.is_file() and "__pycache__" not in f.parts:
            assert "nlp/models/" + f.relative_to(ROOT / "models").as_posix() in names, f
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in meta and "skops" not in meta


def test_installed_wheel_runs_the_samples(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True)
    env = dict(os.environ, PYTHONPATH=str(target))
    work = tmp_path / "elsewhere"  # not the checkout: nothing may be found through the working directory
    work.mkdir()
    probe = "import nlp.resources as r, nlp.themes.store as s; print(r.models_root()); print(s.DEFAULT_MODEL_DIR)"
    where = subprocess.run([sys.executable, "-c", probe],
                           env=env, cwd=work, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(target) for p in where), where
    res = subprocess.run([sys.executable, "-m", "nlp", "run", str(ROOT / "corpus" / "samples"), "-o", "out",
                          "--jobs", "1", "-q"], env=env, cwd=work, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "5 documents: 5 ok, 0 errors" in res.stdout + res.stderr
