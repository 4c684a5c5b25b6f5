"""The compile directory: generated sources, the on-disk code cache, and cleaning.

SPEC.md (Architecture, "Kernel cache keyed on source"): a second compile() of an unchanged
model skips SymPy entirely; compile(directory=...) receives the generated sources and the
on-disk cache; --clean / clean=True empties it.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import annarray as ann
import annarray.parser.neuron as parser_neuron

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MODEL = dict(
    parameters="tau = 10.0 : population\nI = 1.0",
    equations="tau*dv/dt + v = I : rk4\nr = v",
)


def build_and_run(directory=None, clean=False, equations=None):
    neuron = ann.Neuron(parameters=MODEL["parameters"], equations=equations or MODEL["equations"])
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, ["v"])
    if directory is None:
        ann.compile(clean=clean)
    else:
        ann.compile(directory=directory, clean=clean)
    ann.simulate(3.0)
    return mon.get("v")


def cache_files(directory):
    folder = Path(directory) / "cache"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def describe_calls(monkeypatch):
    """Counts the calls of the SymPy stage (describe_neuron)."""
    calls = []
    original = parser_neuron.describe_neuron

    def counting(*args, **kwargs):
        calls.append(args[0].name)
        return original(*args, **kwargs)

    monkeypatch.setattr(parser_neuron, "describe_neuron", counting)
    return calls


# RK4 on tau*dv/dt + v = I, dt=1, tau=10: docs/reference_facts.md §A measurement 2 (rk4 column for v).
RK4_V = [0.0951625, 0.18126909859375, 0.2591815779988223]


def test_compile_writes_generated_sources(tmp_path, paradigm):
    build_and_run("build")
    generated = sorted((tmp_path / "build" / "generated").glob("*.txt"))
    assert [p.name for p in generated] == ["pop0.txt"]
    text = generated[0].read_text()
    assert "v" in text and "r" in text


def test_default_directory_in_working_directory(tmp_path, paradigm):
    build_and_run()
    assert (tmp_path / "__annarray__" / "generated" / "pop0.txt").is_file()
    assert len(cache_files(tmp_path / "__annarray__")) == 1


def test_one_cache_file_per_neuron_type(tmp_path, paradigm):
    n1 = ann.Neuron(equations="r = 1.0")
    n2 = ann.Neuron(equations="r = 2.0")
    ann.Population(2, n1)
    ann.Population(2, n1)
    ann.Population(2, n2)
    ann.compile(directory="build")
    assert len(cache_files(tmp_path / "build")) == 2
    assert len(list((tmp_path / "build" / "generated").glob("*.txt"))) == 3


def test_second_compile_hits_disk_cache(tmp_path, describe_calls, paradigm):
    first = build_and_run("build")
    assert len(describe_calls) == 1
    files = cache_files(tmp_path / "build")
    assert len(files) == 1
    ann.clear()
    ann.setup(dt=1.0, seed=-1, method="explicit", precision="double", num_threads=1)
    second = build_and_run("build")
    assert len(describe_calls) == 1, "the unchanged model should not be parsed again"
    assert cache_files(tmp_path / "build") == files
    np.testing.assert_allclose(first[:, 0], RK4_V, rtol=1e-12)
    np.testing.assert_array_equal(first, second)


def test_changed_model_misses_cache(tmp_path, describe_calls, paradigm):
    build_and_run("build")
    ann.clear()
    v = build_and_run("build", equations="tau*dv/dt + v = I : explicit\nr = v")
    assert len(describe_calls) == 2
    assert len(cache_files(tmp_path / "build")) == 2
    # explicit Euler: 0.1, 0.19, 0.271 (docs/reference_facts.md §A measurement 2)
    np.testing.assert_allclose(v[:, 0], [0.1, 0.19, 0.271], rtol=1e-12)


def test_changed_dt_misses_cache(tmp_path, describe_calls, paradigm):
    build_and_run("build")
    ann.clear()
    ann.setup(dt=0.5)
    build_and_run("build")
    assert len(describe_calls) == 2


def test_changed_default_method_misses_cache(tmp_path, describe_calls, paradigm):
    neuron_eqs = "tau*dv/dt + v = I\nr = v"
    v1 = build_and_run("build", equations=neuron_eqs)
    ann.clear()
    ann.setup(method="implicit")
    v2 = build_and_run("build", equations=neuron_eqs)
    assert len(describe_calls) == 2
    # docs/reference_facts.md §A measurement 2: explicit then implicit values of v
    np.testing.assert_allclose(v1[:, 0], [0.1, 0.19, 0.271], rtol=1e-12)
    np.testing.assert_allclose(v2[:, 0], [0.09090909090909091, 0.17355371900826447, 0.24868519909842224], rtol=1e-12)


def test_corrupt_cache_file_is_a_miss(tmp_path, describe_calls, paradigm):
    build_and_run("build")
    (name,) = cache_files(tmp_path / "build")
    (tmp_path / "build" / "cache" / name).write_bytes(b"not a pickle")
    ann.clear()
    v = build_and_run("build")
    assert len(describe_calls) == 2
    np.testing.assert_allclose(v[:, 0], RK4_V, rtol=1e-12)


def test_compile_clean_empties_directory(tmp_path, describe_calls, paradigm):
    build_and_run("build")
    marker = tmp_path / "build" / "stale.txt"
    marker.write_text("old")
    ann.clear()
    v = build_and_run("build", clean=True)
    assert not marker.exists()
    assert len(describe_calls) == 2, "a cleaned folder has no cache: the model is parsed again"
    assert len(cache_files(tmp_path / "build")) == 1
    np.testing.assert_allclose(v[:, 0], RK4_V, rtol=1e-12)


SCRIPT = """
import sys
import annarray as ann
import annarray.parser.neuron as pn
if sys.argv[1] == "forbid":
    def forbidden(*args, **kwargs):
        raise RuntimeError("describe_neuron called")
    pn.describe_neuron = forbidden
n = ann.Neuron(parameters="tau = 10.0 : population\\nI = 1.0", equations="tau*dv/dt + v = I : rk4\\nr = v")
pop = ann.Population(3, n)
ann.compile(directory="build")
ann.simulate(3.0)
print(repr(float(pop.v[0])))
"""


def _run_script(tmp_path, *args):
    script = tmp_path / "model.py"
    script.write_text(SCRIPT)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["ANNARRAY_CONFIG_FILE"] = str(tmp_path / "absent.json")
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_second_process_skips_sympy(tmp_path):
    first = _run_script(tmp_path, "allow")
    assert first.returncode == 0, first.stderr
    second = _run_script(tmp_path, "forbid")
    assert second.returncode == 0, second.stderr
    assert float(first.stdout) == pytest.approx(RK4_V[-1], rel=1e-12)
    assert first.stdout == second.stdout


def test_clean_flag_empties_directory(tmp_path):
    first = _run_script(tmp_path, "allow")
    assert first.returncode == 0, first.stderr
    marker = tmp_path / "build" / "stale.txt"
    marker.write_text("old")
    # with --clean the cache is gone, so the forbidden SymPy stage must run (and fail)
    cleaned = _run_script(tmp_path, "forbid", "--clean")
    assert not marker.exists()
    assert cleaned.returncode != 0
    assert "describe_neuron called" in cleaned.stderr
    again = _run_script(tmp_path, "allow", "--clean")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
