"""Every CUDA module the cuda paradigm builds compiles with NVRTC, CuPy's run-time compiler.

NVRTC has no C library headers and differs from nvcc in what it accepts; CuPy compiles every
``RawModule`` with it. This runs networks of every kind on the emulated cuda paradigm,
collects the module texts its backend builds (generated population steps and element-wise
kernels, spike tables with their index types, the shipped kernels) and compiles each with
NVRTC, without a GPU. Skipped unless NVRTC is installed (``pip install nvidia-cuda-nvrtc``,
or ``ANNARRAY_NVRTC=/path/libnvrtc.so``).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.backend import cuda_host
from annarray.backend.cuda import HostLauncher

pytestmark = [
    pytest.mark.skipif(cuda_host.nvrtc_library() is None, reason="NVRTC is not installed"),
    pytest.mark.skipif(cuda_host.host_compiler() is None, reason="emulating the cuda paradigm needs a C++ compiler"),
]


@pytest.fixture
def modules(monkeypatch):
    """Module texts the emulated backend builds, by text."""
    texts = {}
    original = HostLauncher.function

    def record(self, text, name):
        texts.setdefault(text, set()).add(name)
        return original(self, text, name)

    monkeypatch.setattr(HostLauncher, "function", record)
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "emulate")
    return texts


def build_networks():
    rate = ann.Neuron(parameters="tau = 10.0\n b = 0.0", equations="tau * dr/dt + r = b + sum(exc) + Normal(0, 0.01) : min=0.0")
    a, b = ann.Population(50, rate), ann.Population(20, rate)
    ann.Projection(a, b, "exc").connect_fixed_probability(0.3, weights=0.1)
    ann.Projection(a, b, "exc", ann.Synapse(psp="w * pre.r", operation="max")).connect_all_to_all(weights=0.1)
    ann.Projection(a, b, "exc", ann.Oja).connect_all_to_all(weights=0.1)
    izh = ann.Population(100, ann.Izhikevich)
    ann.Projection(izh, izh, "exc").connect_fixed_probability(0.1, weights=0.5, delays=2.0)
    inp = ann.Population(40, ann.IF_cond_exp)
    inp.i_offset = np.linspace(0.5, 2.0, 40)
    ann.Projection(inp, izh, "inh").connect_all_to_all(weights=0.5)
    ann.Projection(inp, inp, "exc", ann.STDP).connect_fixed_probability(0.2, weights=0.1)
    ann.Population(10, ann.Neuron(equations="r = Uniform(0, 1) + Gamma(2.0, 1.0) + Binomial(5, 0.3)"))


@pytest.mark.parametrize("precision", ["double", "float"])
def test_every_module_compiles_with_nvrtc(modules, precision):
    ann.setup(paradigm="cuda", precision=precision, dt=0.5, seed=3)
    build_networks()
    ann.compile()
    ann.simulate(20.0)
    built = set().union(*modules.values())
    assert {"population_step", "elementwise", "csr_matvec_add", "reduce_rows_max", "deliver_table",
            "fill_normal", "fill_gamma", "fill_binomial", "advance_clock", "spike_event"} <= built
    for text, names in modules.items():
        ptx = cuda_host.nvrtc_check(text)
        for name in names:
            assert f".entry {name}" in ptx
