"""The built wheel holds every module of the package and the kernel sources.

A regular (non-editable) install only gets the packages that ``setup.py`` lists; a sub-package
left out of that list (as ``annarray.extensions.bold`` once was) works in the editable
install the tests use and fails for a user who installs the wheel.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_every_module_and_kernel(tmp_path):
    # a copy without earlier build folders, whose files setuptools would reuse
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__annarray__", "__pycache__", ".git", "results", "*.png", "wheels"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("annarray-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "annarray").rglob("*.py")}
    kernels = {"annarray/kernels/" + p.relative_to(ROOT / "kernels").as_posix()
               for p in (ROOT / "kernels").rglob("*") if p.suffix in (".cu", ".cuh", ".py")}
    assert modules - names == set()
    assert kernels - names == set()
