"""The generated CUDA population kernel computes what the CPU's fused loop computes.

No GPU is needed: the kernel text is built for the CPU (``annarray.backend.cuda_host``, the
same C code with the grid-stride loop run in order) and compared, step by step, with the
CPU's compiled loop (numba) on copies of the same state; that loop is itself checked against
the NumPy kernels in ``test_jit.py`` and those against analytic solutions and the reference.
The kernel text is also compiled for the GPU with nvcc (to PTX) where nvcc is installed.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.backend import cpu_jit, cuda_host
from annarray.backend.cuda_source import module_source
from annarray.codegen.cuda_expr import c_expression
from annarray.codegen.cuda_population import KERNEL_NAME, population_kernel_source
from annarray.core.population import Population
from annarray.errors import CompilationError

pytestmark = [
    pytest.mark.skipif(not cpu_jit.available(), reason="the comparison runs the CPU's compiled loop (numba)"),
    pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler to build the kernel for the CPU"),
]

_C_TYPES = {"float64": "double", "float32": "float", "bool": "bool", "int32": "int", "int64": "long long"}


def test_expression_translation_keeps_numexpr_semantics():
    """True division, floored modulo and where() as numexpr computes them (hand-checked)."""
    names = {"a": "l_a", "b": "l_b"}
    assert c_expression("a / 2", names) == "(ann_num(l_a) / ann_num(2.0))"
    assert "floor(" in c_expression("a % b", names)
    assert c_expression("where(a > b, a, -b)", names) == "((l_a > l_b) ? l_a : (-l_b))"
    assert c_expression("a ** 2", names, "float") == "(ann_num(l_a) * ann_num(l_a))"
    with pytest.raises(CompilationError, match="unknown name 'c'"):
        c_expression("c + 1.0", names)


@pytest.fixture
def fused_loops(monkeypatch):
    """Every fused loop the CPU builds during compile(): (step, namespace, buffers, loop, size)."""
    captured = []
    original = Population._compiled_step

    def spy(self, step, backend, ns, buffers):
        loop = original(self, step, backend, ns, buffers)
        captured.append((step, ns, buffers, loop, self.size))
        return loop

    monkeypatch.setattr(Population, "_compiled_step", spy)
    return captured


def host_kernel(step, ns, real):
    arrays = {name for name, a in ns.items() if getattr(a, "ndim", None) == 1}
    types = {name: _C_TYPES[a.dtype.name] for name, a in ns.items() if hasattr(a, "dtype")}
    source, args = population_kernel_source(step, arrays, types, real)
    return module_source(source, real=real), args


def compare_steps(captured, steps, real="double", rtol=1e-12):
    """Runs the CPU loop and the kernel's CPU build ``steps`` times from the same state and
    compares every array the kernel touches, and the spiking ranks, after each step."""
    assert captured, "the CPU built no fused loop"
    step, ns, buffers, loop, n = captured[-1]
    text, args = host_kernel(step, ns, real)
    kernel = cuda_host.host_module(text)[KERNEL_NAME]
    spiking = step.spike is not None
    own = {a: np.array(ns[a], copy=True).reshape(-1) for a in args if a in ns}
    outputs = {"_ranks_out": np.zeros(n, np.int32), "_n_spikes": np.zeros(1, np.int32),
               "_axon_out": np.zeros(n, np.int32), "_n_axon": np.zeros(1, np.int32)}
    total_spikes = 0
    for k in range(steps):
        for t in (ns["t"], own["t"]) if "t" in own else ():
            t[...] = k * 0.5
        result = loop()
        outputs["_n_spikes"][0] = outputs["_n_axon"][0] = 0
        kernel(np.int64(n), *[own[a] if a in own else outputs[a] for a in args])
        for name, values in own.items():
            np.testing.assert_allclose(values, np.asarray(ns[name]).reshape(-1), rtol=rtol, atol=1e-300 if rtol < 1e-9 else 1e-6,
                                       err_msg=f"step {k}, array {name}")
        if spiking:
            count, axon_count = result
            cpu_ranks = np.sort(buffers["_ranks_out"][:count])
            assert outputs["_n_spikes"][0] == count
            assert np.array_equal(np.sort(outputs["_ranks_out"][:count]), cpu_ranks)
            if step.axon_spike is not None:
                assert outputs["_n_axon"][0] == axon_count
            total_spikes += count
    return text, total_spikes


def test_rate_coded_update_matches_the_cpu_loop(fused_loops):
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population\n baseline = 0.2\n k = 3.0 : population",
        equations="""tau * dmp/dt + mp = baseline + sum(exc) + 0.1 * (mp ** 3) - (mp % 0.25)
                     r = ite(mp > 0.0, tanh(k * mp), 0.0) : min=0.0, max=0.9
                     dx/dt = -x / tau + exp(-abs(mp)) : init=0.5""",
    )
    pop = ann.Population(300, neuron)
    pop.mp = np.linspace(-1.0, 1.0, 300)
    pop.baseline = np.linspace(0.0, 0.5, 300)
    ann.compile()
    compare_steps(fused_loops, 20)


@pytest.mark.parametrize("method", ["explicit", "midpoint", "rk4"])
def test_izhikevich_spikes_and_state_match_the_cpu_loop(fused_loops, method):
    ann.setup(method=method, dt=0.5)
    pop = ann.Population(400, ann.Izhikevich)
    pop.v = np.linspace(-75.0, 25.0, 400)
    pop.I = np.linspace(0.0, 15.0, 400)
    ann.compile()
    _, spikes = compare_steps(fused_loops, 40)
    assert spikes > 50  # the comparison covers resets


@pytest.mark.parametrize("method", ["explicit", "exponential"])
def test_refractory_conductance_neuron_matches_the_cpu_loop(fused_loops, method):
    """IF_cond_exp: refractory period (attribute), conductances, reset, spike times."""
    ann.setup(dt=0.5, method=method)
    pop = ann.Population(300, ann.IF_cond_exp)
    pop.v = np.linspace(-70.0, -49.0, 300)
    pop.i_offset = np.linspace(0.0, 2.0, 300)
    pop.tau_refrac = np.linspace(0.0, 5.0, 300)
    ann.compile()
    _, spikes = compare_steps(fused_loops, 60)
    assert spikes > 50


def test_axonal_spikes_and_refractory_steps_match_the_cpu_loop(fused_loops):
    neuron = ann.Neuron(
        parameters="I = 0.0\n tau = 5.0",
        equations="tau * dv/dt = -v + I",
        spike="v > 1.0", reset="v = 0.0",
        axon_spike="v > 0.8", axon_reset="v = v - 0.2",
        refractory=2.0,
    )
    pop = ann.Population(200, neuron)
    pop.I = np.linspace(0.5, 3.0, 200)
    ann.compile()
    _, spikes = compare_steps(fused_loops, 60)
    assert spikes > 20


def test_single_precision_kernel_stays_close_to_the_cpu_loop(fused_loops):
    """precision='float': the kernel computes in float, the CPU loop in double and stores
    float; a few steps of a rate-coded population agree to float resolution."""
    ann.setup(precision="float")
    neuron = ann.Neuron(parameters="tau = 10.0", equations="tau * dr/dt + r = 1.0 + sin(r)")
    pop = ann.Population(100, neuron)
    pop.r = np.linspace(-1.0, 1.0, 100)
    ann.compile()
    text, _ = compare_steps(fused_loops, 10, real="float", rtol=1e-5)
    assert "typedef float ann_real;" in text


@pytest.mark.skipif(cuda_host.nvcc() is None, reason="nvcc is not installed")
def test_generated_kernels_compile_for_the_gpu(fused_loops):
    ann.setup(dt=0.5)
    ann.Population(10, ann.Izhikevich)
    ann.Population(10, ann.IF_cond_exp)
    ann.Population(10, ann.LeakyIntegrator)
    ann.compile()
    assert len(fused_loops) == 3
    for step, ns, *_ in fused_loops:
        text, _ = host_kernel(step, ns, "double")
        assert f".entry {KERNEL_NAME}" in cuda_host.device_check(text)
