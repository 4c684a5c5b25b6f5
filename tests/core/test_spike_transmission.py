"""Spiking projections: spike delivery, delays, conductance accumulation, STDP and STP.

The expected figures were measured on ANNarchy 4.8.2 with the same scripts (dt = 1 ms):
a spike emitted at t = 2 and t = 5 reaches ``g_exc`` (read by ``v = g_exc``) at steps 3 and 6
without delay and at steps 5 and 8 with a delay of 3 ms; the STDP and STP numbers are in
each test.
"""

import numpy as np
import pytest

import annarray as ann


def _source(times):
    cond = " or ".join(f"t == {float(t)}" for t in times)
    return ann.Neuron(equations="v = 0.0", spike=cond)


def _reader():
    return ann.Neuron(equations="v = g_exc", spike="v > 1e9")


@pytest.mark.parametrize("delay, arrivals", [(0.0, [3, 6]), (1.0, [3, 6]), (3.0, [5, 8])])
def test_spike_delivery_step(paradigm, delay, arrivals):
    pre = ann.Population(1, _source([2, 5]))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_all_to_all(1.0, delays=delay)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(10)
    v = m.get("v")[:, 0]
    assert np.flatnonzero(v).tolist() == arrivals
    np.testing.assert_allclose(v[arrivals], 1.0)


def test_conductance_accumulates_weights(paradigm):
    pre = ann.Population(3, _source([4]))
    post = ann.Population(2, _reader())
    ann.Projection(pre, post, "exc").connect_from_matrix([[1.0, 2.0, None], [None, 0.5, 0.25]])
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(7)
    v = m.get("v")
    np.testing.assert_allclose(v[5], [3.0, 0.75])
    np.testing.assert_allclose(v[6], [0.0, 0.0])


def test_propagation_touches_only_spiking_neurons(paradigm):
    pre = ann.Population(4, ann.Neuron(parameters="ts = 0.0", equations="v = 0.0", spike="t == ts"))
    pre.ts = [1.0, 2.0, 3.0, 4.0]
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_from_matrix([[1.0, 10.0, 100.0, 1000.0]])
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(7)
    np.testing.assert_allclose(m.get("v")[:, 0], [0, 0, 1, 10, 100, 1000, 0])


@pytest.mark.parametrize("t_pre, t_post, w", [
    (10.0, 15.0, 0.5081873075307798),
    (15.0, 10.0, 0.4878693868057473),
    (10.0, 30.0, 0.5038674102345451),
    (30.0, 10.0, 0.49729329433526775),
])
def test_stdp_pair_protocol(paradigm, t_pre, t_post, w):
    """Reference values (ANNarchy 4.8.2, STDP(tau_plus=20, tau_minus=10, A_plus=0.01,
    A_minus=0.02, w_max=1), w0 = 0.5). Analytically: pre before post by dt_spikes gives
    +A_plus exp(-(dt_spikes - 1)/tau_plus), post before pre -A_minus exp(-dt_spikes/tau_minus)
    (the presynaptic event arrives one step after the spike and measures from the spike)."""
    pre = ann.Population(1, _source([t_pre]))
    post = ann.Population(1, ann.Neuron(equations="v = g_exc", spike=f"t == {t_post}"))
    syn = ann.STDP(tau_plus=20.0, tau_minus=10.0, A_plus=0.01, A_minus=0.02, w_max=1.0)
    proj = ann.Projection(pre, post, "exc", syn).connect_all_to_all(0.5)
    ann.compile()
    ann.simulate(50)
    assert proj.dendrite(0).w[0] == pytest.approx(w, rel=1e-12)
    gap = abs(t_post - t_pre)
    analytic = 0.5 + (0.01 * np.exp(-(gap - 1) / 20.0) if t_pre < t_post else -0.02 * np.exp(-gap / 10.0))
    assert proj.dendrite(0).w[0] == pytest.approx(analytic, rel=1e-12)


def test_stp_recurrence(paradigm):
    """Reference values (ANNarchy 4.8.2, STP(tau_rec=50, tau_facil=5, U=0.3), w = 1): g_exc
    after spikes at t = 5, 10, 12, 30; also the Tsodyks-Markram recurrence by hand."""
    pre = ann.Population(1, _source([5, 10, 12, 30]))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc", ann.STP(tau_rec=50.0, tau_facil=5.0, U=0.3)).connect_all_to_all(1.0)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(40)
    v = m.get("v")[:, 0]
    steps = [6, 11, 13, 31]
    np.testing.assert_allclose(v[steps], [0.3, 0.285147287854, 0.236204403008, 0.137321064675], rtol=1e-10)
    # each event is stored at the step after the spike and the next one measures from its
    # spike time: the relaxation between spikes at t1 < t2 lasts t2 - t1 - 1 ms
    x, u, last, expected = 1.0, 0.3, None, []
    for t in (5, 10, 12, 30):
        if last is not None:
            x = 1 + (x - 1) * np.exp(-(t - last - 1) / 50.0)
            u = 0.3 + (u - 0.3) * np.exp(-(t - last - 1) / 5.0)
        expected.append(u * x)
        x, u, last = x * (1 - u), u + 0.3 * (1 - u), t
    np.testing.assert_allclose(v[steps], expected, rtol=1e-10)


def test_missing_conductance_refused():
    pre = ann.Population(1, _source([1]))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "inh").connect_all_to_all(1.0)
    with pytest.raises(ann.AnnarrayError, match="g_inh"):
        ann.compile()


def test_coba_network_rate(paradigm):
    """COBA (Vogels & Abbott 2005, the reference's benchmark model): 4000 IF neurons
    (3200 excitatory, 800 inhibitory), 2 % connectivity, dt = 0.1 ms, 100 ms.

    Measured on ANNarchy 4.8.2 with this network and seeds 1-8: mean rate 18.90 Hz over the
    first 100 ms, seed-to-seed s.d. 1.67 Hz (16.80-21.32 Hz); annarray gives 18.53 Hz on
    average over the same seeds (15.57 Hz with seed 1). The two simulators draw different
    random numbers, so the test asks for the reference's mean within three of its standard
    deviations."""
    ann.setup(dt=0.1, seed=1)
    neuron = ann.Neuron(
        parameters="""
            El = -60.0 : population
            Vr = -60.0 : population
            Erev_exc = 0.0 : population
            Erev_inh = -80.0 : population
            Vt = -50.0 : population
            tau = 20.0 : population
            tau_exc = 5.0 : population
            tau_inh = 10.0 : population
            I = 20.0 : population
        """,
        equations="""
            tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
            tau_exc * dg_exc/dt = - g_exc
            tau_inh * dg_inh/dt = - g_inh
        """,
        spike="v > Vt", reset="v = Vr", refractory=5.0)
    pop = ann.Population(4000, neuron)
    pop.v = ann.Normal(-55.0, 5.0)
    pop.g_exc = ann.Normal(4.0, 1.5)
    pop.g_inh = ann.Normal(20.0, 12.0)
    exc, inh = pop[:3200], pop[3200:]
    ann.Projection(exc, pop, "exc").connect_fixed_probability(0.02, 0.6)
    ann.Projection(inh, pop, "inh").connect_fixed_probability(0.02, 6.7)
    ann.compile()
    counts = np.zeros(4000)
    for _ in range(1000):
        ann.step()
        counts[pop.spike] += 1
    rate = counts.sum() / 4000 / 0.1
    assert abs(rate - 18.90) < 3 * 1.67


def test_reset_drops_spikes_in_transit(paradigm):
    pre = ann.Population(1, _source([2]))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_all_to_all(1.0, delays=5.0)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(4)  # the spike of t = 2 is in the queue, due at step 6
    ann.reset()
    ann.simulate(4)  # t = 0..3: the new spike of t = 2 is due at step 6; nothing else may arrive
    assert np.all(m.get("v") == 0.0)
