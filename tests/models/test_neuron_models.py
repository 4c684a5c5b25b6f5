"""Built-in spiking neuron models: parameter names and defaults, initial values, and spike
times measured on ANNarchy 4.8.2 (docs/reference_facts.md, section K).
"""

import numpy as np
import pytest

import annarray as ann

# parameter name → default, in declaration order, printed from the reference's objects
IF_PARAMETERS = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=5.0,
                     v_thresh=-50.0, v_reset=-65.0, i_offset=0.0)
COND_PARAMETERS = dict(IF_PARAMETERS, e_rev_E=0.0, e_rev_I=-70.0)
EIF_PARAMETERS = dict(v_rest=-70.6, cm=0.281, tau_m=9.3667, tau_refrac=0.1, tau_syn_E=5.0, tau_syn_I=5.0,
                      e_rev_E=0.0, e_rev_I=-80.0, tau_w=144.0, a=4.0, b=0.0805, i_offset=0.0, delta_T=2.0,
                      v_thresh=-50.4, v_reset=-70.6, v_spike=-40.0)
DEFAULTS = {
    "Izhikevich": dict(noise=0.0, a=0.02, b=0.2, c=-65.0, d=8.0, v_thresh=30.0, i_offset=0.0, tau_refrac=0.0),
    "IF_curr_exp": IF_PARAMETERS,
    "IF_cond_exp": COND_PARAMETERS,
    "IF_curr_alpha": IF_PARAMETERS,
    "IF_cond_alpha": COND_PARAMETERS,
    "HH_cond_exp": dict(gbar_Na=20.0, gbar_K=6.0, gleak=0.01, cm=0.2, v_offset=-63.0, e_rev_Na=50.0,
                        e_rev_K=-90.0, e_rev_leak=-65.0, e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=0.2,
                        tau_syn_I=2.0, i_offset=0.0, v_thresh=0.0),
    "EIF_cond_exp_isfa_ista": EIF_PARAMETERS,
    "EIF_cond_alpha_isfa_ista": EIF_PARAMETERS,
}

# measured on the reference: dt = 0.1 ms, one neuron, 2000 steps; spike step indices and v
# after the last step (see FACTS §K)
MEASURED = [
    ("Izhikevich", dict(i_offset=10.0), [33, 270, 721, 1172, 1623], -62.1122921528),
    ("IF_curr_exp", dict(i_offset=1.0), [277, 555, 833, 1111, 1389, 1667, 1945], -60.2675898867),
    ("IF_curr_exp", dict(i_offset=1.0, tau_refrac=2.0), [277, 575, 873, 1171, 1469, 1767], -51.9291162066),
    ("IF_cond_exp", dict(i_offset=1.0, tau_refrac=2.0), [277, 575, 873, 1171, 1469, 1767], -51.9291162066),
    ("IF_curr_alpha", dict(i_offset=1.0), [277, 555, 833, 1111, 1389, 1667, 1945], -60.2675898867),
    ("IF_cond_alpha", dict(i_offset=1.0), [277, 555, 833, 1111, 1389, 1667, 1945], -60.2675898867),
    ("HH_cond_exp", dict(i_offset=1.0), [], -47.9821974918),
    ("EIF_cond_exp_isfa_ista", dict(i_offset=1.0), [118, 256, 416, 604, 825, 1082, 1374, 1695], -48.0994852588),
    ("EIF_cond_alpha_isfa_ista", dict(i_offset=1.0), [118, 256, 416, 604, 825, 1082, 1374, 1695],
     -48.0994852588),
]


def spike_steps(pop, steps):
    out = []
    for i in range(steps):
        ann.step()
        if len(pop.spike):
            out.append(i)
    return out


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_parameter_names_and_defaults(name):
    pop = ann.Population(1, getattr(ann, name)())
    assert pop.parameters == list(DEFAULTS[name])
    for param, value in DEFAULTS[name].items():
        assert pop.get(param)[0] == value, param


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_models_are_spiking_with_excitatory_and_inhibitory_targets(name):
    neuron = getattr(ann, name)()
    assert neuron.type == "spike"
    assert neuron.conductance_targets == ["exc", "inh"]
    assert "r" in neuron.attributes


@pytest.mark.parametrize("jit", [True, False], ids=["compiled-loop", "numpy-kernels"])
@pytest.mark.parametrize("name, kwargs, spikes, v_end", MEASURED,
                         ids=[f"{m[0]}-{'-'.join(m[1])}" for m in MEASURED])
def test_spike_times_match_the_reference(paradigm, name, kwargs, spikes, v_end, jit):
    """Both CPU kernel kinds (the fused compiled loop and the NumPy calls) give the spike
    steps and final potential measured on the reference."""
    ann.setup(dt=0.1, jit=jit)
    pop = ann.Population(1, getattr(ann, name)(**kwargs))
    ann.compile()
    assert spike_steps(pop, 2000) == spikes
    np.testing.assert_allclose(pop.v[0], v_end, atol=1e-8)


def test_izhikevich_first_spike_time(paradigm):
    """Izhikevich(i_offset=10), dt=0.1: the reference's first spike is at step 33 (t = 3.3 ms)
    and v after the first step is -64.3 (explicit Euler from v = c = -65, u = b*c = -13)."""
    ann.setup(dt=0.1)
    pop = ann.Population(1, ann.Izhikevich(i_offset=10.0))
    m = ann.Monitor(pop, "v")
    ann.compile()
    assert spike_steps(pop, 40) == [33]
    np.testing.assert_allclose(m.get("v")[0, 0], -64.3)


def test_if_curr_exp_first_spike_time(paradigm):
    """IF_curr_exp(i_offset=1), dt=0.1: the reference's first spike is at step 277 (t = 27.7 ms);
    v relaxes exactly towards v_rest + tau_m/cm * i_offset = -45 mV, crossing -50 mV at
    20 ln 4 = 27.73 ms."""
    ann.setup(dt=0.1)
    pop = ann.Population(1, ann.IF_curr_exp(i_offset=1.0))
    m = ann.Monitor(pop, "v")
    ann.compile()
    assert spike_steps(pop, 280) == [277]
    v = m.get("v")[:, 0]
    np.testing.assert_allclose(v[:277], -45.0 - 20.0 * np.exp(-0.1 * np.arange(1, 278) / 20.0))


def test_hh_spike_times(paradigm):
    """HH_cond_exp, dt=0.1, 300 steps, i_offset 2/5/10/20: the reference gives no spike / [12] /
    [7, 34] / [4] (upward crossings of 0 mV)."""
    ann.setup(dt=0.1)
    pop = ann.Population(4, ann.HH_cond_exp())
    pop.i_offset = [2.0, 5.0, 10.0, 20.0]
    ann.compile()
    spikes = {}
    for i in range(300):
        ann.step()
        for rank in pop.spike:
            spikes.setdefault(int(rank), []).append(i)
    assert spikes == {1: [12], 2: [7, 34], 3: [4]}


def test_izhikevich_initial_values_follow_c_and_b():
    pop = ann.Population(1, ann.Izhikevich(b=0.25, c=-60.0))
    assert pop.v[0] == -60.0
    assert pop.u[0] == 0.25 * -60.0


def test_if_initial_potential_is_v_reset():
    assert ann.Population(1, ann.IF_cond_exp(v_reset=-70.0)).v[0] == -70.0
    assert ann.Population(1, ann.EIF_cond_exp_isfa_ista(v_reset=-60.0)).v[0] == -60.0
    assert ann.Population(1, ann.HH_cond_exp(e_rev_leak=-60.0)).v[0] == -60.0


def test_izhikevich_conductance_argument():
    neuron = ann.Izhikevich(conductance="g_ampa - g_gaba")
    assert neuron.conductance_targets == ["ampa", "gaba"]
    assert "g_ampa" in neuron.attributes and "g_exc" not in neuron.attributes


def test_keyword_parameters_reach_the_population():
    pop = ann.Population(2, ann.IF_curr_exp(tau_m=10.0, v_thresh=-55.0))
    np.testing.assert_allclose(pop.tau_m, [10.0, 10.0])
    np.testing.assert_allclose(pop.v_thresh, [-55.0, -55.0])
