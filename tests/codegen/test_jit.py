"""The CPU JIT: numexpr text → scalar loop code, and fused population loops (numba).

The fused loop must compute what the NumPy kernels compute (themselves checked against
analytic solutions and the reference elsewhere): each test here runs the same model with
``setup(jit=True)`` and ``setup(jit=False)`` and compares spikes and state.
"""

import glob
import os

import numpy as np
import pytest

import annarray as ann
from annarray.backend import cpu_jit
from annarray.codegen.jit_expr import scalar_expression
from annarray.errors import InvalidConfiguration

pytestmark = pytest.mark.skipif(not cpu_jit.available(), reason="numba is not installed")


def names(*args):
    return {a: f"l_{a}" for a in args}


def test_where_becomes_a_conditional_expression():
    text = scalar_expression("where(r > 0.0, v, 1.0)", names("r", "v"))
    assert text == "l_v if l_r > 0.0 else 1.0"


def test_logical_operators_on_truth_values():
    assert scalar_expression("(a > 0.0) & (~s)", names("a", "s")) == "(l_a > 0.0) & (not l_s)"


def test_math_functions_become_numpy_scalar_functions():
    assert scalar_expression("exp(-v) + abs(v)", names("v")) == "np.exp(-l_v) + np.abs(l_v)"


def test_unknown_names_are_refused():
    from annarray.errors import CompilationError

    with pytest.raises(CompilationError, match="unknown name 'w'"):
        scalar_expression("w + 1.0", names("v"))


def test_population_wide_factors_are_computed_once():
    """``0.1 * x / tau`` (tau population-wide) becomes ``c * x`` with c = 0.1 / tau hoisted."""
    hoisted = {}

    def hoist(text):
        return hoisted.setdefault(text, f"h_{len(hoisted)}")

    rename = {"x": "l_x", "tau": "s_tau", "El": "s_El"}
    text = scalar_expression("x + (0.1 * x) / tau + El * 2.0", rename, lambda n: n.startswith(("s_", "h_")), hoist)
    assert hoisted == {"0.1 / s_tau": "h_0", "s_El * 2.0": "h_1"}
    assert text == "h_1 + l_x + h_0 * l_x"


def run(build, jit, steps=300):
    """Spikes (step, rank) and final state of the network ``build()`` makes, on one kernel
    kind. ``build`` returns ``(population, variables)``, or ``(population, variables,
    projection, synaptic variables)``."""
    ann.clear()
    ann.setup(dt=0.1, seed=3, jit=jit)
    pop, variables, *plastic = build()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(steps * 0.1)
    spikes = sorted((int(round(t)), r) for r, ts in mon.get("spike").items() for t in ts)
    state = {v: np.array(pop.get(v), dtype=float) for v in variables}
    if plastic:
        proj, syn_variables = plastic
        assert bool(proj._runtime.events.loops) == jit  # the events ran as compiled loops (or not)
        state.update({f"proj.{v}": np.concatenate([np.ravel(d.get(v)) for d in proj.dendrites]) for v in syn_variables})
    return spikes, state


def assert_same(build):
    spikes_jit, state_jit = run(build, True)
    spikes_np, state_np = run(build, False)
    assert spikes_jit, "the model must spike for the comparison to mean something"
    assert spikes_jit == spikes_np
    for name in state_np:
        np.testing.assert_allclose(state_jit[name], state_np[name], rtol=1e-9, atol=1e-9, err_msg=name)


def test_axonal_spikes_and_refractory_attribute():
    def build():
        neuron = ann.Neuron(
            parameters="tau = 10.0\nI = 2.0\nT = 1.0 : population\nref = 2.0",
            equations="tau * dv/dt = -v + I\nu = u + 0.01 * v",
            spike="v > T", reset="v = 0.0\nu -= 0.5",
            axon_spike="v > 0.5 * T", axon_reset="u += 0.1",
            refractory="ref",
        )
        pop = ann.Population(20, neuron)
        pop.I = np.linspace(1.5, 3.0, 20)
        pop.ref = np.linspace(0.0, 3.0, 20)
        return pop, ["v", "u"]

    assert_same(build)


def test_population_wide_variable_updated_before_the_loop():
    """A ``population`` variable updated in the equations runs as a kernel before the loop,
    which reads its new value."""
    def build():
        neuron = ann.Neuron(
            parameters="tau = 20.0 : population",
            equations="drive = 1.5 + 0.5 * sin(2.0 * pi * t / 10.0) : population\ntau * dv/dt = -v + drive + g_exc",
            spike="v > 1.0", reset="v = 0.0", refractory=1.0,
        )
        pop = ann.Population(10, neuron)
        return pop, ["v", "drive"]

    assert_same(build)


DRIVE = {"HH_cond_exp": 5.0, "Izhikevich": 10.0}  # constant currents that make them spike


@pytest.mark.parametrize("model", ["IF_cond_alpha", "EIF_cond_exp_isfa_ista", "HH_cond_exp", "Izhikevich"])
def test_built_in_models_with_synaptic_input(model):
    """Recurrent input through conductances (the compiled delivery loop too)."""
    def build():
        pop = ann.Population(50, getattr(ann, model)(i_offset=DRIVE.get(model, 1.0)))
        proj = ann.Projection(pop, pop, "exc")
        proj.connect_fixed_probability(0.2, 0.05, delays=ann.DiscreteUniform(1, 4) if model == "Izhikevich" else 0.0)
        return pop, ["v"]

    assert_same(build)


STDP_TRACES = dict(
    parameters="""
        tau_plus = 20.0 : projection
        tau_minus = 20.0 : projection
        A = 0.02 : projection
        w_max = 1.0 : projection
        c = 1.0
    """,
    equations="""
        tau_plus * dx/dt = -x : event-driven
        tau_minus * dy/dt = -y : event-driven
    """,
    pre_spike="""
        g_target += c * w
        x += A
        w = clip(w - y + 0.001 * pre.v, 0.0, w_max)
    """,
    post_spike="""
        y += A
        w = clip(w + x * (1.0 - post.v), 0.0, w_max)
    """,
)


def driven_population(n, current):
    neuron = ann.Neuron(
        parameters="tau = 10.0\nI = 1.0",
        equations="tau * dv/dt = -v + I + g_exc",
        spike="v > 1.0", reset="v = 0.0", refractory=1.0,
    )
    pop = ann.Population(n, neuron)
    pop.I = current
    return pop


@pytest.mark.parametrize("delays", [1.0, "non-uniform"])
def test_spike_events_with_event_driven_traces_and_neuron_values(delays):
    """pre_spike and post_spike programs (traces decayed over the time since each synapse's
    last event, pre/post neuron values, conductance increments) as compiled event loops."""
    def build():
        inputs = driven_population(30, np.linspace(1.05, 2.5, 30))
        pop = driven_population(10, np.linspace(1.05, 1.5, 10))
        proj = ann.Projection(inputs, pop, "exc", synapse=ann.Synapse(**STDP_TRACES))
        proj.connect_fixed_probability(
            0.6, ann.Uniform(0.0, 0.5), delays=ann.DiscreteUniform(0.1, 2.0) if delays != 1.0 else delays)
        proj.c = 0.8
        return pop, ["v"], proj, ["w", "x", "y"]

    assert_same(build)


def test_axonal_spike_events():
    """pre_axon_spike statements run on the axonal spikes, through their own compiled loop."""
    def build():
        neuron = ann.Neuron(
            parameters="tau = 10.0\nI = 2.0",
            equations="tau * dv/dt = -v + I",
            spike="v > 1.0", reset="v = 0.0",
            axon_spike="v > 0.7", axon_reset="v += 0.0",
        )
        inputs = ann.Population(20, neuron)
        inputs.I = np.linspace(1.2, 3.0, 20)
        pop = driven_population(5, 1.1)
        synapse = ann.Synapse(parameters="k = 0.1", pre_spike="g_target += w", pre_axon_spike="w += k")
        proj = ann.Projection(inputs, pop, "exc", synapse=synapse)
        proj.connect_all_to_all(0.05)
        return pop, ["v"], proj, ["w"]

    assert_same(build)


def test_rate_coded_population_runs_as_one_loop():
    """A rate-coded population's update (ODE, rectified output, population-wide mean read
    by a kernel, weighted sums from a projection) as one compiled loop: same rates as the
    NumPy kernels."""
    def simulate(jit):
        ann.clear()
        ann.setup(dt=1.0, seed=3, jit=jit)
        neuron = ann.Neuron(
            parameters="tau = 10.0 : population\nB = 0.0",
            equations="tau * dv/dt + v = sum(exc) - sum(inh) + B - 0.1 * mean(r) : exponential\nr = pos(v)",
        )
        pop = ann.Population(40, neuron)
        pop.B = np.linspace(-0.5, 1.5, 40)
        exc = ann.Projection(pop, pop, "exc")
        exc.connect_fixed_probability(0.3, ann.Uniform(0.0, 0.1))
        inh = ann.Projection(pop, pop, "inh")
        inh.connect_fixed_probability(0.3, ann.Uniform(0.0, 0.2))
        ann.compile()
        ann.simulate(60.0)
        return np.array(pop.r, dtype=float)

    r_jit, r_np = simulate(True), simulate(False)
    assert np.count_nonzero(r_np) > 5
    np.testing.assert_allclose(r_jit, r_np, rtol=1e-12, atol=1e-12)
    sources = glob.glob(os.path.join("__annarray__", "**", "jit", "*.py"), recursive=True)
    assert any("l_r = " in open(p).read() for p in sources), "the rate population was not compiled"


@pytest.mark.parametrize("connect", ["all_to_all", "dense_random"])
def test_nearly_full_rows_are_delivered_as_whole_vectors(connect):
    """All-to-all without self-connections (every row misses one target) and dense random
    connectivity are delivered as rows spread over the whole population: same spikes and
    state as the NumPy scatter-add."""
    def build():
        pop = ann.Population(60, ann.Izhikevich(i_offset=5.0))
        pop.v = np.linspace(-70.0, -50.0, 60)
        proj = ann.Projection(pop, pop, "exc")
        if connect == "all_to_all":
            proj.connect_all_to_all(ann.Uniform(0.0, 0.4))
        else:
            proj.connect_fixed_probability(0.8, ann.Uniform(0.0, 0.4))
        return pop, ["v", "u"]

    assert_same(build)


def test_jit_false_runs_without_compiled_loops():
    ann.setup(jit=False)
    pop = ann.Population(3, ann.IF_curr_exp(i_offset=1.0))
    ann.compile()
    assert not any("fused" in getattr(op, "__qualname__", "") for op in pop._ops)


def test_numba_missing_falls_back_to_numpy_kernels(monkeypatch):
    monkeypatch.setattr(cpu_jit, "_numba", [None])
    pop = ann.Population(3, ann.IF_curr_exp(i_offset=1.0))
    ann.compile()
    assert not any("fused" in getattr(op, "__qualname__", "") for op in pop._ops)
    ann.simulate(50.0)
    assert len(pop.spike) == 0 and pop.v[0] > -65.0  # it ran: v rose from v_rest


def test_compiled_source_is_cached_per_user_and_copied_to_the_compile_directory(monkeypatch, tmp_path):
    """The loops' cache lives in ``$ANNARRAY_CACHE_DIR`` (numba's machine code next to the
    source); the compile directory gets a copy of the source to read."""
    monkeypatch.setenv("ANNARRAY_CACHE_DIR", str(tmp_path / "cache"))
    # a model of its own, so that no earlier test has compiled the same source in memory
    ann.Population(3, ann.Neuron(equations="dv/dt = 0.123456 - v", spike="v > 0.1", reset="v = 0.0"))
    ann.compile(directory="build")
    ann.simulate(2.0)
    for folder in ("build/jit", str(tmp_path / "cache")):
        sources = glob.glob(os.path.join(folder, "*.py"))
        assert any("0.123456" in open(p).read() for p in sources), folder
    assert glob.glob(str(tmp_path / "cache" / "__pycache__" / "*.nbi")), "numba's cache index is missing"


def test_jit_setting_is_checked():
    with pytest.raises(InvalidConfiguration):
        ann.setup(jit="yes please")
