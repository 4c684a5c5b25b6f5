"""CUBA benchmark (Brette et al. 2007, benchmark 2; the network of Vogels & Abbott 2005).

The COBA network with current-based synapses: 4000 leaky integrate-and-fire neurons (3200
excitatory, 800 inhibitory), 2 % connectivity, resting potential -49 mV above the threshold
of -50 mV (so every neuron fires without input), exponentially decaying currents (5 ms and
10 ms). Weights, in mV as in Brette et al.: excitatory 0.27 * 60 / 10 = 1.62, inhibitory
-4.5 * 20 / 10 = -9.0. Refractory period 5 ms, dt = 0.1 ms, 1 s; v ~ U(-60, -50).
"""

from benchmarks.models import BenchModel

__all__ = ["build", "N", "N_EXC", "W_EXC", "W_INH"]

N = 4000
N_EXC = 3200
W_EXC = 0.27 * 60.0 / 10.0
W_INH = -4.5 * 20.0 / 10.0


def build(sim, n=N, n_exc=None, probability=0.02, w_exc=W_EXC, w_inh=W_INH, duration=1000.0):
    """Builds the CUBA network in ``sim`` (``annarray`` or ``ANNarchy``); nothing is compiled."""
    n_exc = int(round(n * N_EXC / N)) if n_exc is None else n_exc
    sim.setup(dt=0.1)
    neuron = sim.Neuron(
        parameters="""
            El = -49.0 : population
            Vr = -60.0 : population
            Vt = -50.0 : population
            tau_m = 20.0 : population
            tau_exc = 5.0 : population
            tau_inh = 10.0 : population
        """,
        equations="""
            tau_m * dv/dt = (El - v) + g_exc + g_inh
            tau_exc * dg_exc/dt = - g_exc
            tau_inh * dg_inh/dt = - g_inh
        """,
        spike="v > Vt",
        reset="v = Vr",
        refractory=5.0,
    )
    pop = sim.Population(n, neuron, name="cuba")
    pop.v = sim.Uniform(-60.0, -50.0)
    exc = sim.Projection(pop[:n_exc], pop, "exc")
    exc.connect_fixed_probability(probability, w_exc)
    inh = sim.Projection(pop[n_exc:], pop, "inh")
    inh.connect_fixed_probability(probability, w_inh)
    return BenchModel(
        duration=duration, spiking=True, population=pop, projections=[exc, inh],
        description=f"CUBA: {n} IF neurons ({n_exc} exc), p = {probability}, weights {w_exc:.3g} / {w_inh:.3g},"
                    " dt 0.1 ms",
    )
