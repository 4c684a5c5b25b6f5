"""Spike-timing-dependent plasticity in the style of Song, Miller & Abbott (2000).

1000 Poisson inputs (10 Hz each) project all-to-all onto 100 conductance-based
integrate-and-fire neurons (tau_m = 20 ms, E_L = -74 mV, threshold -54 mV, reset -60 mV,
E_exc = 0 mV, tau_exc = 5 ms; conductances in units of the leak conductance). Every one of
the 100,000 synapses learns with additive, nearest-neighbour-free STDP written with two
event-driven traces: a presynaptic trace ``x`` (tau_plus = 20 ms) potentiates at each
postsynaptic spike, a postsynaptic trace ``y`` (tau_minus = 20 ms) depresses at each
presynaptic spike; A_plus = 0.005 g_max, A_minus = 1.05 A_plus, weights clipped to
[0, g_max], g_max = 0.015. Initial weights U(0, g_max). dt = 0.1 ms, 1 s.

The cost is in the event-driven updates: every input spike touches its 100 outgoing
synapses (pre-spike rule), every output spike its 1000 incoming synapses (post-spike rule).
"""

from benchmarks.models import BenchModel

__all__ = ["build"]


def build(sim, n_in=1000, n_out=100, rate=10.0, g_max=0.015, duration=1000.0):
    """Builds the STDP network in ``sim`` (``annarray`` or ``ANNarchy``); nothing is compiled."""
    sim.setup(dt=0.1)
    neuron = sim.Neuron(
        parameters="""
            tau_m = 20.0 : population
            E_L = -74.0 : population
            v_th = -54.0 : population
            v_reset = -60.0 : population
            E_exc = 0.0 : population
            tau_exc = 5.0 : population
        """,
        equations="""
            tau_m * dv/dt = (E_L - v) + g_exc * (E_exc - v) : init = -60.0
            tau_exc * dg_exc/dt = - g_exc
        """,
        spike="v > v_th",
        reset="v = v_reset",
    )
    stdp = sim.Synapse(
        parameters=f"""
            tau_plus = 20.0 : projection
            tau_minus = 20.0 : projection
            A_plus = {0.005 * g_max} : projection
            A_minus = {0.005 * 1.05 * g_max} : projection
            w_max = {g_max} : projection
        """,
        equations="""
            tau_plus * dx/dt = -x : event-driven
            tau_minus * dy/dt = -y : event-driven
        """,
        pre_spike="""
            g_target += w
            x += A_plus
            w = clip(w - y, 0.0, w_max)
        """,
        post_spike="""
            y += A_minus
            w = clip(w + x, 0.0, w_max)
        """,
    )
    inputs = sim.PoissonPopulation(n_in, rates=rate, name="inputs")
    pop = sim.Population(n_out, neuron, name="stdp_out")
    proj = sim.Projection(inputs, pop, "exc", synapse=stdp)
    proj.connect_all_to_all(sim.Uniform(0.0, g_max))
    return BenchModel(
        duration=duration, spiking=True, population=pop, projections=[proj],
        description=f"STDP (Song & Abbott): {n_in} Poisson inputs at {rate} Hz onto {n_out} IF neurons,"
                    " all-to-all plastic, dt 0.1 ms",
    )
