"""Tests of annarray.config: setup(), get_config(), seeds, threads, flags, config file."""

import importlib.util
import json
import logging
import os
import subprocess
import sys
import types
from pathlib import Path

import numexpr
import numpy as np
import pytest

import annarray.config as config
from annarray.errors import InvalidConfiguration

PROJECT_ROOT = Path(__file__).resolve().parents[2]

HAS_CUPY = importlib.util.find_spec("cupy") is not None

DEFAULTS = {
    "dt": 1.0,
    "seed": -1,
    "num_threads": 1,
    "paradigm": "openmp",
    "precision": "double",
    "method": "explicit",
    "structural_plasticity": False,
    "sparse_matrix_format": "default",
    "sparse_matrix_storage_order": "post_to_pre",
    "verbose": False,
    "suppress_warnings": False,
    "show_time": False,
    "disable_parallel_rng": False,
    "debug": False,
    "profiling": False,
    "visible_cores": [],
    "only_int_idx_type": True,
    "cuda_device": 0,
    "clean": False,
}


@pytest.fixture(autouse=True)
def clean_config(monkeypatch, tmp_path):
    """Each test starts from the defaults: no config file, no command-line flags."""
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(tmp_path / "absent.json"))
    monkeypatch.delenv("ANNARRAY_CUDA_MODE", raising=False)
    monkeypatch.setattr(config, "cli_flags", {})
    config.reset_config()
    yield
    monkeypatch.undo()
    config.reset_config()


def run_python(code, *args, env_extra=None, config_file=None):
    """Runs ``python -c code args...`` from the project root; returns the CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env["ANNARRAY_CONFIG_FILE"] = str(config_file) if config_file else os.devnull + ".absent"
    env.pop("OMP_NUM_THREADS", None)
    env.pop("NUMEXPR_NUM_THREADS", None)
    if env_extra:
        env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def flags_of(*args, **kwargs):
    """The ``cli_flags`` and some config values of a fresh interpreter run with ``args``."""
    code = (
        "import json, annarray.config as c\n"
        "keys = ['num_threads', 'seed', 'verbose', 'clean', 'paradigm', 'cuda_device']\n"
        "print(json.dumps({'flags': c.cli_flags, "
        "'config': {k: c.get_config(k) for k in keys}}))\n"
    )
    proc = run_python(code, *args, **kwargs)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def blas_thread_counts():
    from threadpoolctl import threadpool_info

    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


# --- defaults and setup() ----------------------------------------------------------------


def test_defaults():
    assert {key: config.get_config(key) for key in DEFAULTS} == DEFAULTS


def test_dt_function_returns_default():
    assert config.dt() == 1.0


@pytest.mark.parametrize(
    "key, value",
    [
        ("dt", 0.1),
        ("seed", 1234),
        ("num_threads", 2),
        ("precision", "float"),
        ("method", "rk4"),
        ("method", "event-driven"),
        ("structural_plasticity", True),
        ("sparse_matrix_format", "csr"),
        ("sparse_matrix_storage_order", "pre_to_post"),
        ("verbose", True),
        ("suppress_warnings", True),
        ("show_time", True),
        ("disable_parallel_rng", True),
        ("debug", True),
        ("profiling", True),
        ("visible_cores", [0, 1]),
        ("only_int_idx_type", False),
        ("cuda_device", 1),
        ("clean", True),
        ("paradigm", "openmp"),
    ],
)
def test_setup_get_config_round_trip(key, value):
    config.setup(**{key: value})
    assert config.get_config(key) == value


def test_setup_dt_changes_dt_function():
    config.setup(dt=0.25)
    assert config.dt() == 0.25


def test_setup_seed_none_means_not_seeded():
    config.setup(seed=3)
    config.setup(seed=None)
    assert config.get_config("seed") == -1


def test_setup_several_keys_at_once():
    config.setup(dt=0.5, precision="float", method="midpoint")
    assert (config.dt(), config.get_config("precision"), config.get_config("method")) == (
        0.5,
        "float",
        "midpoint",
    )


def test_get_config_returns_a_copy_of_lists():
    config.get_config("visible_cores").append(3)
    assert config.get_config("visible_cores") == []


def test_setup_unknown_key_names_key_and_lists_valid_keys():
    with pytest.raises(InvalidConfiguration, match="unknown_thing") as info:
        config.setup(unknown_thing=3)
    assert "num_threads" in str(info.value) and "dt" in str(info.value)


def test_get_config_unknown_key():
    with pytest.raises(InvalidConfiguration, match="nope"):
        config.get_config("nope")


@pytest.mark.parametrize(
    "key, value",
    [
        ("dt", 0),
        ("dt", -0.1),
        ("dt", "0.1"),
        ("dt", float("nan")),
        ("dt", True),
        ("num_threads", 0),
        ("num_threads", 1.5),
        ("num_threads", "2"),
        ("num_threads", True),
        ("paradigm", "opencl"),
        ("precision", "half"),
        ("method", "euler"),
        ("method", 3),
        ("seed", -5),
        ("seed", 2**32),
        ("seed", 1.5),
        ("seed", "42"),
        ("verbose", "yes"),
        ("sparse_matrix_format", "foo"),
        ("sparse_matrix_storage_order", "random"),
        ("visible_cores", [0, -1]),
        ("visible_cores", "0,1"),
        ("cuda_device", -1),
    ],
)
def test_setup_bad_value_raises(key, value):
    with pytest.raises(InvalidConfiguration, match=key):
        config.setup(**{key: value})


def test_bad_value_leaves_config_unchanged():
    before = {key: config.get_config(key) for key in DEFAULTS}
    with pytest.raises(InvalidConfiguration):
        config.setup(dt=0.1, num_threads=2, precision="half")
    assert {key: config.get_config(key) for key in DEFAULTS} == before


def test_unknown_key_leaves_config_unchanged():
    with pytest.raises(InvalidConfiguration):
        config.setup(dt=0.1, bogus=1)
    assert config.dt() == 1.0


def test_bad_value_leaves_threads_unchanged():
    with pytest.raises(InvalidConfiguration):
        config.setup(num_threads=3, method="euler")
    assert numexpr.get_num_threads() == 1


def test_get_float_dtype_double_by_default():
    assert config.get_float_dtype() is np.float64


def test_get_float_dtype_float():
    config.setup(precision="float")
    assert config.get_float_dtype() is np.float32


def test_reset_config_restores_defaults():
    config.setup(dt=0.1, num_threads=2, seed=3, precision="float")
    config.reset_config()
    assert {key: config.get_config(key) for key in DEFAULTS} == DEFAULTS


# --- random numbers ----------------------------------------------------------------------


def test_set_seed_stores_seed():
    config.set_seed(42)
    assert config.get_config("seed") == 42


def test_get_rng_reproducible_after_reseeding():
    config.set_seed(42)
    first = config.get_rng().random(5)
    config.set_seed(42)
    np.testing.assert_array_equal(config.get_rng().random(5), first)


def test_numpy_global_rng_reproducible_after_reseeding():
    config.set_seed(42)
    first = np.random.rand(5)
    config.set_seed(42)
    np.testing.assert_array_equal(np.random.rand(5), first)


def test_setup_seed_seeds_numpy():
    config.setup(seed=42)
    first = np.random.rand(3)
    config.setup(seed=42)
    np.testing.assert_array_equal(np.random.rand(3), first)


def test_different_seeds_give_different_draws():
    config.set_seed(1)
    first = config.get_rng().random(5)
    config.set_seed(2)
    assert not np.array_equal(config.get_rng().random(5), first)


def test_new_rng_sequence_reproducible_for_same_seed():
    config.set_seed(7)
    first = [config.new_rng().random(4) for _ in range(3)]
    config.set_seed(7)
    second = [config.new_rng().random(4) for _ in range(3)]
    np.testing.assert_array_equal(np.array(first), np.array(second))


def test_new_rng_generators_are_independent():
    config.set_seed(7)
    a, b = config.new_rng(), config.new_rng()
    assert not np.array_equal(a.random(4), b.random(4))


def test_new_rng_returns_generator_when_unseeded():
    assert isinstance(config.new_rng(), np.random.Generator)


def test_unseeded_new_rng_differs_between_resets():
    first = config.new_rng().random(4)
    config.reset_config()
    assert not np.array_equal(config.new_rng().random(4), first)


def test_get_rng_unseeded_is_generator():
    assert isinstance(config.get_rng(), np.random.Generator)


# --- threads -----------------------------------------------------------------------------


def test_setup_num_threads_sets_numexpr_threads():
    config.setup(num_threads=2)
    assert numexpr.get_num_threads() == 2


def test_setup_num_threads_sets_blas_threads():
    config.setup(num_threads=2)
    counts = blas_thread_counts()
    if not counts:
        pytest.skip("threadpoolctl reports no BLAS thread pool")
    assert counts == [2] * len(counts)


def test_default_thread_count_is_one_for_numexpr():
    assert numexpr.get_num_threads() == 1


def test_apply_threads_rejects_zero():
    with pytest.raises(InvalidConfiguration):
        config.apply_threads(0)


def test_environment_thread_variables_are_ignored_with_j_flag():
    proc = run_python(
        "import annarray.config as c; import numexpr; print(numexpr.get_num_threads())",
        "-j",
        "3",
        env_extra={"OMP_NUM_THREADS": "7", "NUMEXPR_NUM_THREADS": "7"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3"


def test_environment_thread_variables_are_ignored_without_flag():
    proc = run_python(
        "import annarray.config as c; import numexpr; print(numexpr.get_num_threads())",
        env_extra={"OMP_NUM_THREADS": "7", "NUMEXPR_NUM_THREADS": "7"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_environment_thread_variables_are_ignored_for_blas():
    code = (
        "import annarray.config as c\n"
        "from threadpoolctl import threadpool_info\n"
        "print([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'])\n"
    )
    proc = run_python(code, "-j", "3", env_extra={"OMP_NUM_THREADS": "7"})
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout.strip())
    if not counts:
        pytest.skip("threadpoolctl reports no BLAS thread pool")
    assert counts == [3] * len(counts)


# --- command-line flags ------------------------------------------------------------------


def test_cli_j_separate():
    assert flags_of("-j", "2")["config"]["num_threads"] == 2


def test_cli_j_attached():
    assert flags_of("-j2")["config"]["num_threads"] == 2


def test_cli_j_invalid_is_ignored():
    assert flags_of("-j", "abc")["config"]["num_threads"] == 1


def test_cli_seed_equals():
    assert flags_of("--seed=5")["config"]["seed"] == 5


def test_cli_seed_separate():
    assert flags_of("--seed", "5")["config"]["seed"] == 5


def test_cli_seed_makes_draws_reproducible():
    code = "import annarray.config as c; print(c.get_rng().integers(0, 10**9))"
    first = run_python(code, "--seed", "11")
    second = run_python(code, "--seed", "11")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_cli_verbose():
    assert flags_of("--verbose")["config"]["verbose"] is True


def test_cli_clean():
    assert flags_of("--clean")["config"]["clean"] is True


def test_cli_no_flags_gives_empty_cli_flags():
    assert flags_of()["flags"] == {}


def test_cli_gpu_sets_paradigm_and_default_device():
    result = flags_of("--gpu")
    assert (result["config"]["paradigm"], result["config"]["cuda_device"]) == ("cuda", 0)


def test_cli_gpu_with_device():
    result = flags_of("--gpu=2")
    assert (result["config"]["paradigm"], result["config"]["cuda_device"]) == ("cuda", 2)


def test_cli_bare_gpu_does_not_take_the_next_argument():
    result = flags_of("--gpu", "3")
    assert result["flags"] == {"paradigm": "cuda"}


def test_cli_unknown_flags_left_in_argv():
    args = ["--foo", "bar", "-x", "-j", "2", "--seed=5", "--user-flag=1", "pos"]
    proc = run_python("import sys, annarray.config as c; print(sys.argv)", *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == repr(["-c", *args])


def test_cli_unknown_flags_print_nothing():
    proc = run_python("import annarray.config", "--foo", "-q", "--bar=3", "--help")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_cli_unknown_flags_do_not_change_config():
    assert flags_of("--jobs", "4", "--seeds", "3")["flags"] == {}


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is importable here")
def test_cli_gpu_without_cupy_imports_and_check_paradigm_raises():
    code = (
        "import annarray.config as c\n"
        "from annarray.errors import InvalidConfiguration\n"
        "try:\n"
        "    c.check_paradigm()\n"
        "except InvalidConfiguration as e:\n"
        "    print('RAISED', e)\n"
    )
    proc = run_python(code, "--gpu")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("RAISED") and "annarray[cuda]" in proc.stdout


# --- configuration file ------------------------------------------------------------------


def test_config_file_num_threads_from_openmp_section(tmp_path):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"openmp": {"num_threads": 3, "compiler": "g++"}}))
    assert flags_of(config_file=path)["config"]["num_threads"] == 3


def test_config_file_cuda_device_used_by_bare_gpu_flag(tmp_path):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"cuda": {"device": 1, "path": "/usr/local/cuda"}}))
    assert flags_of("--gpu", config_file=path)["config"]["cuda_device"] == 1


def test_cli_gpu_device_beats_config_file(tmp_path):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"cuda": {"device": 1}}))
    assert flags_of("--gpu=2", config_file=path)["config"]["cuda_device"] == 2


def test_cli_j_beats_config_file(tmp_path):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"openmp": {"num_threads": 3}}))
    assert flags_of("-j", "2", config_file=path)["config"]["num_threads"] == 2


def test_malformed_config_file_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "annarray.json"
    path.write_text("{ not json")
    code = "import annarray.config as c; print(c.get_config('num_threads'))"
    proc = run_python(code, config_file=path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1" and "configuration file" in proc.stderr


def test_malformed_config_file_reset_config_logs_warning(tmp_path, monkeypatch, caplog):
    path = tmp_path / "annarray.json"
    path.write_text("[1, 2")
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(path))
    with caplog.at_level(logging.WARNING, logger="annarray.config"):
        config.reset_config()
    assert "configuration file" in caplog.text and config.get_config("num_threads") == 1


def test_config_file_bad_value_is_ignored(tmp_path, monkeypatch, caplog):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"openmp": {"num_threads": "many"}}))
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(path))
    with caplog.at_level(logging.WARNING, logger="annarray.config"):
        config.reset_config()
    assert "num_threads" in caplog.text and config.get_config("num_threads") == 1


def test_config_file_read_by_reset_config(tmp_path, monkeypatch):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"openmp": {"num_threads": 2}}))
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(path))
    config.reset_config()
    assert (config.get_config("num_threads"), numexpr.get_num_threads()) == (2, 2)


def test_setup_beats_config_file(tmp_path, monkeypatch):
    path = tmp_path / "annarray.json"
    path.write_text(json.dumps({"openmp": {"num_threads": 2}}))
    monkeypatch.setenv("ANNARRAY_CONFIG_FILE", str(path))
    config.reset_config()
    config.setup(num_threads=1)
    assert config.get_config("num_threads") == 1


def test_config_file_path_default(monkeypatch):
    monkeypatch.delenv("ANNARRAY_CONFIG_FILE")
    assert config.config_file_path() == os.path.expanduser("~/.config/annarray/annarray.json")


# --- paradigm ----------------------------------------------------------------------------


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is importable here")
def test_setup_cuda_without_cupy_mentions_the_extra():
    with pytest.raises(InvalidConfiguration, match=r"annarray\[cuda\]"):
        config.setup(paradigm="cuda")


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is importable here")
def test_setup_cuda_without_cupy_leaves_paradigm_unchanged():
    with pytest.raises(InvalidConfiguration):
        config.setup(paradigm="cuda", dt=0.1)
    assert (config.get_config("paradigm"), config.dt()) == ("openmp", 1.0)


def fake_cupy(count=None, error=None):
    """A stand-in for the cupy module whose runtime reports ``count`` devices."""

    def get_device_count():
        if error is not None:
            raise error
        return count

    runtime = types.SimpleNamespace(getDeviceCount=get_device_count)
    module = types.ModuleType("cupy")
    module.cuda = types.SimpleNamespace(runtime=runtime)
    return module


def test_setup_cuda_with_no_device_raises(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=0))
    with pytest.raises(InvalidConfiguration, match="no CUDA device was found"):
        config.setup(paradigm="cuda")


def test_setup_cuda_with_failing_runtime_raises(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(error=RuntimeError("driver")))
    with pytest.raises(InvalidConfiguration, match="no CUDA device was found"):
        config.setup(paradigm="cuda")


def test_setup_cuda_with_device_succeeds(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=1))
    config.setup(paradigm="cuda")
    assert config.get_config("paradigm") == "cuda"


def test_setup_cuda_with_missing_device_index_raises(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=2))
    with pytest.raises(InvalidConfiguration, match="CUDA device 5"):
        config.setup(paradigm="cuda", cuda_device=5)


def test_cuda_mode_comes_from_the_environment(monkeypatch):
    assert config.cuda_mode() is None
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "Emulate")
    assert config.cuda_mode() == "emulate"
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "cpu")
    with pytest.raises(InvalidConfiguration, match="ANNARRAY_CUDA_MODE must be 'gpu', 'emulate' or 'strict'"):
        config.cuda_mode()


def test_emulated_cuda_needs_no_cupy(monkeypatch):
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "emulate")
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy fails
    config.setup(paradigm="cuda")
    assert config.check_paradigm() == "cuda"


def test_cuda_backend_on_a_gpu_needs_the_opt_in(monkeypatch):
    """Until the kernels have run on a GPU, the GPU backend is only built on request."""
    from annarray.backend import select_backend

    with pytest.raises(InvalidConfiguration, match="ANNARRAY_CUDA_MODE=gpu"):
        select_backend("cuda")
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "emulate")
    backend = select_backend("cuda", precision="float")
    assert (backend.paradigm, backend.emulated, backend.float_dtype) == ("cuda", True, np.float32)
    select_backend("openmp")


def test_check_paradigm_openmp():
    assert config.check_paradigm() == "openmp"


def test_check_paradigm_cuda_with_device(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=1))
    config.setup(paradigm="cuda")
    assert config.check_paradigm() == "cuda"


def test_check_paradigm_raises_when_device_disappears(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=1))
    config.setup(paradigm="cuda")
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(count=0))
    with pytest.raises(InvalidConfiguration, match="no CUDA device"):
        config.check_paradigm()
