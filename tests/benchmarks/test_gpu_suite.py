"""``python3 -m benchmarks gpu`` runs end to end (emulated cuda paradigm, tiny networks).

The GPU benchmark is meant for a machine with a GPU; this smoke test keeps the script working
elsewhere. Its times mean nothing here; what is checked is that every case ran on both
paradigms and that the deterministic COBA network fires at the same rate on both.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annarray.backend import cuda_host

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(cuda_host.host_compiler() is None, reason="emulating the cuda paradigm needs a C++ compiler")
def test_gpu_suite_runs_emulated(tmp_path):
    out = tmp_path / "gpu.json"
    subprocess.run([sys.executable, "-m", "benchmarks", "gpu", "--emulate", "--scale", "0.005", "--repeats", "1",
                    "--cases", "coba,floor1000", "-j", "1", "--bandwidth", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True, text=True, timeout=600)
    results = json.loads(out.read_text())
    rows = {(c["case"], c["paradigm"]): c for c in results["cases"]}
    assert set(rows) == {("coba", "cuda"), ("coba", "openmp"), ("floor1000", "cuda"), ("floor1000", "openmp")}
    assert all(c["us_per_step"] > 0 for c in rows.values())
    rates = [rows[("coba", p)]["runs"][0]["mean_rate_hz"] for p in ("cuda", "openmp")]
    assert rates[0] == rates[1]
    assert results["bandwidth"]["synapses"] > 0 and results["bandwidth"]["emulated"] is True
