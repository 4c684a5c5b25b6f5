"""The same deterministic models give the same results on the openmp and cuda paradigms.

The cuda paradigm runs on the GPU where ``ANNARRAY_CUDA_MODE=gpu`` and a GPU are present; on
any other machine it is *emulated* (``ANNARRAY_CUDA_MODE=strict``: the generated CUDA kernels
built for the CPU, on NumPy arrays), so this module also runs in CI. The openmp results are
themselves checked against analytic solutions and the reference simulator elsewhere; here
the requirement is equality within float tolerance (sums may be added in another order on
the GPU, so spike counts are compared exactly and state to 1e-9 relative).
"""

import os

import numpy as np
import pytest

import annarray as ann
from annarray.backend import cuda_host

MODE = os.environ.get("ANNARRAY_CUDA_MODE") or "strict"

pytestmark = pytest.mark.skipif(MODE == "emulate" and cuda_host.host_compiler() is None,
                                reason="emulating the cuda paradigm needs a C++ compiler")


@pytest.fixture
def both(monkeypatch, tmp_path):
    """``run(build)``: the monitors' data of ``build()`` simulated on openmp, then on cuda."""
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", MODE)

    def run(build, duration, after_compile=None, **settings):
        results = []
        for paradigm in ("openmp", "cuda"):
            ann.clear()
            ann.setup(paradigm=paradigm, seed=7, **settings)
            monitors = build()
            ann.compile(directory=str(tmp_path / paradigm))
            if after_compile is not None:
                after_compile()
            ann.simulate(duration)
            results.append({name: m.get(name.split(":")[1]) for name, m in monitors.items()})
        ann.setup(paradigm="openmp")
        return results

    return run


def assert_same(openmp, cuda, rtol=1e-9):
    for key, expected in openmp.items():
        got = cuda[key]
        if isinstance(expected, dict):  # spikes: rank -> times
            assert got == expected, f"{key}: spike times differ"
        else:
            np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-12, err_msg=key)


def test_rate_coded_network_with_weighted_sums(both):
    neuron = ann.Neuron(parameters="tau = 10.0\n b = 0.0",
                        equations="tau * dr/dt + r = b + sum(exc) - sum(inh) : min=0.0")

    def build():
        a, b = ann.Population(60, neuron), ann.Population(40, neuron)
        a.b = np.linspace(0.0, 1.0, 60)
        ann.Projection(a, b, "exc").connect_fixed_probability(0.3, weights=0.05)
        ann.Projection(b, b, "inh").connect_all_to_all(weights=0.01)
        return {"b:r": ann.Monitor(b, "r")}

    openmp, cuda = both(build, 50.0, dt=0.5)
    assert openmp["b:r"].max() > 0.1
    assert_same(openmp, cuda)


def test_max_operation_and_per_synapse_psp(both):
    """``operation='max'`` with a psp that is not linear in the weight (segment reductions)."""
    neuron = ann.Neuron(parameters="b = 0.0", equations="r = b + sum(exc)")
    synapse = ann.Synapse(psp="w * pre.r * pre.r", operation="max")

    def build():
        a, b = ann.Population(30, neuron), ann.Population(20, neuron)
        a.b = np.linspace(0.0, 1.0, 30)
        ann.Projection(a, b, "exc", synapse).connect_fixed_probability(0.5, weights=ann.Uniform(0.1, 1.0))
        return {"b:r": ann.Monitor(b, "r")}

    openmp, cuda = both(build, 5.0)
    assert_same(openmp, cuda)


def test_izhikevich_network_with_spike_transmission(both):
    def build():
        pop = ann.Population(200, ann.Izhikevich)
        pop.i_offset = np.linspace(0.0, 12.0, 200)
        ann.Projection(pop[:100], pop, "exc").connect_fixed_probability(0.1, weights=0.5)
        ann.Projection(pop[100:], pop, "inh").connect_fixed_probability(0.1, weights=1.0, delays=2.0)
        return {"pop:spike": ann.Monitor(pop, "spike"), "pop:v": ann.Monitor(pop[:20], "v")}

    openmp, cuda = both(build, 200.0, dt=0.5)
    assert sum(len(t) for t in openmp["pop:spike"].values()) > 100
    assert_same(openmp, cuda)


def test_conductance_neurons_with_refractory_periods(both):
    def build():
        pop = ann.Population(100, ann.IF_cond_exp)
        pop.i_offset = np.linspace(0.0, 1.5, 100)
        pop.tau_refrac = 3.0
        ann.Projection(pop, pop, "exc").connect_fixed_probability(0.1, weights=0.05)
        return {"pop:spike": ann.Monitor(pop, "spike"), "pop:v": ann.Monitor(pop[:10], "v")}

    openmp, cuda = both(build, 200.0, dt=0.1)
    assert sum(len(t) for t in openmp["pop:spike"].values()) > 50
    assert_same(openmp, cuda)


def test_continuous_plasticity(both):
    """Oja's rule: per-synapse learning equations with pre and post values."""
    neuron = ann.Neuron(parameters="b = 0.0", equations="r = b + sum(exc)")
    oja = ann.Synapse(parameters="eta = 0.01\n alpha = 2.0",
                      equations="dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w)")

    def build():
        a, b = ann.Population(25, neuron), ann.Population(5, neuron)
        a.b = np.linspace(0.1, 1.0, 25)
        ann.Projection(a, b, "exc", oja).connect_all_to_all(weights=ann.Uniform(0.0, 0.1))
        return {"b:r": ann.Monitor(b, "r")}

    openmp, cuda = both(build, 100.0)
    assert_same(openmp, cuda)


def test_spike_timing_dependent_plasticity(both):
    """Event-driven traces (pre_spike / post_spike) on spiking neurons."""
    def build():
        inp = ann.Population(50, ann.IF_curr_exp)
        inp.i_offset = np.linspace(0.5, 2.0, 50)
        out = ann.Population(10, ann.IF_curr_exp)
        ann.Projection(inp, out, "exc", ann.STDP).connect_all_to_all(weights=0.5)
        return {"out:spike": ann.Monitor(out, "spike"), "out:v": ann.Monitor(out, "v")}

    openmp, cuda = both(build, 300.0, dt=0.1)
    assert sum(len(t) for t in openmp["out:spike"].values()) > 10
    assert_same(openmp, cuda)


def test_all_to_all_spike_delivery_adds_whole_rows(both):
    """All-to-all onto a whole population: each spike adds its row of weights in order."""
    def build():
        src = ann.Population(20, ann.IF_curr_exp)
        src.i_offset = np.linspace(0.8, 2.0, 20)
        dst = ann.Population(30, ann.IF_curr_exp)
        ann.Projection(src, dst, "exc").connect_all_to_all(weights=ann.Uniform(0.0, 0.4))
        return {"dst:spike": ann.Monitor(dst, "spike"), "dst:v": ann.Monitor(dst, "v")}

    openmp, cuda = both(build, 100.0, dt=0.1)
    assert sum(len(t) for t in openmp["dst:spike"].values()) > 10
    assert_same(openmp, cuda)


def test_single_precision_stays_within_float_resolution(both):
    """precision='float': the GPU computes in float, the CPU in double rounded to float."""
    neuron = ann.Neuron(parameters="tau = 10.0\n b = 0.0",
                        equations="tau * dr/dt + r = b + sum(exc) : min=0.0")

    def build():
        a, b = ann.Population(60, neuron), ann.Population(40, neuron)
        a.b = np.linspace(0.0, 1.0, 60)
        ann.Projection(a, b, "exc").connect_fixed_probability(0.3, weights=0.05)
        return {"b:r": ann.Monitor(b, "r")}

    openmp, cuda = both(build, 50.0, dt=0.5, precision="float")
    assert openmp["b:r"].dtype == cuda["b:r"].dtype == np.float32
    assert_same(openmp, cuda, rtol=1e-5)


def test_integer_variables_count_exactly_in_single_precision(both):
    """Found in review: with float literals an int64 counter above 2^24 stopped counting."""
    neuron = ann.Neuron(equations="c = c + 1 : int, init=16777216\n r = 0.0")

    def build():
        return {"pop:c": ann.Monitor(ann.Population(3, neuron), "c")}

    openmp, cuda = both(build, 5.0, precision="float")
    assert openmp["pop:c"][-1, 0] == 16777221
    np.testing.assert_array_equal(cuda["pop:c"], openmp["pop:c"])


def test_time_stays_double_in_single_precision(both):
    """Found in review: sin(t) at t = 10^5 ms must not read t rounded to float."""
    neuron = ann.Neuron(equations="r = sin(t)")

    def build():
        return {"pop:r": ann.Monitor(ann.Population(2, neuron), "r")}

    openmp, cuda = both(build, 5.0, after_compile=lambda: ann.set_time(100000.3), precision="float", dt=0.1)
    assert abs(openmp["pop:r"][0, 0] - np.sin(100000.3)) < 1e-6  # hand computation: t read in double
    np.testing.assert_allclose(cuda["pop:r"], openmp["pop:r"], rtol=1e-6, atol=1e-6)
