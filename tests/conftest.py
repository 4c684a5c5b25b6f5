"""Shared fixtures of the annarray test suite.

* Every test starts from a fresh model (``ann.clear()``) and the default configuration
  (``dt=1.0``, not seeded, explicit Euler, double precision, one thread; no configuration
  file or command-line flags), and runs in its own
  temporary working directory, so that the default compile folder ``__annarray__/`` lands
  there.
* ``paradigm``: simulation tests take this fixture. It is parametrised over ``openmp``, plus
  ``cuda`` when ``pytest --paradigm=cuda`` is given (or the environment variable
  ``ANNARRAY_PARADIGM=cuda``). The cuda case is skipped cleanly where CuPy or a GPU is missing,
  unless ``ANNARRAY_CUDA_MODE=emulate`` runs the CUDA kernels on the CPU instead.
"""

import importlib.util
import os

import pytest

import annarray as ann
from annarray import config
from annarray.errors import InvalidConfiguration


def pytest_addoption(parser):
    parser.addoption(
        "--paradigm",
        action="store",
        default=None,
        choices=("openmp", "cuda"),
        help="also run the simulation tests on this paradigm ('cuda' needs CuPy and a GPU); "
        "the environment variable ANNARRAY_PARADIGM does the same",
    )


def _requested_paradigms(config):
    requested = config.getoption("--paradigm") or os.environ.get("ANNARRAY_PARADIGM") or "openmp"
    return ["openmp", "cuda"] if requested.strip().lower() == "cuda" else ["openmp"]


def pytest_generate_tests(metafunc):
    if "paradigm" in metafunc.fixturenames:
        metafunc.parametrize("paradigm", _requested_paradigms(metafunc.config), indirect=True)


@pytest.fixture(autouse=True)
def fresh_model(monkeypatch, tmp_path):
    """A cleared model, the default configuration, and ``tmp_path`` as working directory."""
    monkeypatch.chdir(tmp_path)
    ann.clear()
    # every setting back to its default (an example's setup(structural_plasticity=True) once
    # leaked into later tests), without the user's configuration file or command line
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(tmp_path / "no-config-file.json"))
    monkeypatch.setattr(config, "cli_flags", {})
    config.reset_config()
    ann.setup(dt=1.0, seed=-1, method="explicit", precision="double", num_threads=1, jit=True)
    yield
    ann.clear()


@pytest.fixture
def paradigm(request):
    """Selects the paradigm of the test (``openmp`` unless parametrised otherwise)."""
    name = getattr(request, "param", "openmp")
    if name == "cuda":
        if config.cuda_emulated():
            ann.setup(paradigm="cuda")
        elif importlib.util.find_spec("cupy") is None:
            pytest.skip("the cuda paradigm needs CuPy, which is not installed")
        try:
            ann.setup(paradigm="cuda")
        except InvalidConfiguration as exc:
            pytest.skip(f"the cuda paradigm cannot run here: {exc}")
    else:
        ann.setup(paradigm=name)
    yield name
    if name != "openmp":
        ann.setup(paradigm="openmp")
