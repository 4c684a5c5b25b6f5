"""COBA benchmark (Brette et al. 2007, benchmark 1; the network of Vogels & Abbott 2005).

4000 leaky integrate-and-fire neurons with exponentially decaying conductances: the first
3200 excitatory, the last 800 inhibitory. Every neuron receives a connection from each
presynaptic neuron with probability 2 % (excitatory weight 0.6, inhibitory 6.7, in units of
the leak conductance). Constant drive I = 20, refractory period 5 ms, dt = 0.1 ms, 1 s.
Initial state as in the reference's example: v ~ N(-55, 5), g_exc ~ N(4, 1.5),
g_inh ~ N(20, 12).
"""

from benchmarks.models import BenchModel

__all__ = ["build", "N", "N_EXC"]

N = 4000
N_EXC = 3200


def build(sim, n=N, n_exc=None, probability=0.02, w_exc=0.6, w_inh=6.7, duration=1000.0):
    """Builds the COBA network in ``sim`` (``annarray`` or ``ANNarchy``); nothing is compiled."""
    n_exc = int(round(n * N_EXC / N)) if n_exc is None else n_exc
    sim.setup(dt=0.1)
    neuron = sim.Neuron(
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
        spike="v > Vt",
        reset="v = Vr",
        refractory=5.0,
    )
    pop = sim.Population(n, neuron, name="coba")
    pop.v = sim.Normal(-55.0, 5.0)
    pop.g_exc = sim.Normal(4.0, 1.5)
    pop.g_inh = sim.Normal(20.0, 12.0)
    exc = sim.Projection(pop[:n_exc], pop, "exc")
    exc.connect_fixed_probability(probability, w_exc)
    inh = sim.Projection(pop[n_exc:], pop, "inh")
    inh.connect_fixed_probability(probability, w_inh)
    return BenchModel(
        duration=duration, spiking=True, population=pop, projections=[exc, inh],
        description=f"COBA: {n} IF neurons ({n_exc} exc), p = {probability}, weights {w_exc} / {w_inh},"
                    " dt 0.1 ms",
    )
