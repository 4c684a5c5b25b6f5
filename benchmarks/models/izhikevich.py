"""Izhikevich's (2003) pulse-coupled network of quadratic integrate-and-fire neurons.

1000 neurons, the first 800 excitatory (regular spiking to chattering: c = -65 + 15 r²,
d = 8 - 6 r²), the last 200 inhibitory (fast spiking to low-threshold: a = 0.02 + 0.08 r,
b = 0.25 - 0.05 r), r ~ U(0, 1) per neuron. All-to-all connectivity (no self-connections),
weights U(0, 0.5) from excitatory and U(0, 1) from inhibitory neurons, both instantaneous
(``g_target`` is the sum of the weights of the spikes received this step). Thalamic input:
``noise * Normal(0, 1)`` drawn every step, noise = 5 (exc) and 2 (inh). Explicit Euler,
dt = 1 ms, 1 s.

The per-neuron parameters come from a NumPy generator seeded with ``param_seed``, so both
simulators get the same neurons (connectivity, weights and noise come from the simulator's
own generators, seeded by the runner's ``setup(seed=...)``).
"""

import numpy as np

from benchmarks.models import BenchModel

__all__ = ["build", "N", "N_EXC"]

N = 1000
N_EXC = 800


def build(sim, n=N, n_exc=None, param_seed=1, duration=1000.0):
    """Builds the pulse-coupled network in ``sim`` (``annarray`` or ``ANNarchy``); nothing is compiled."""
    n_exc = int(round(n * N_EXC / N)) if n_exc is None else n_exc
    n_inh = n - n_exc
    sim.setup(dt=1.0)
    neuron = sim.Neuron(
        parameters="""
            noise = 5.0
            a = 0.02
            b = 0.2
            c = -65.0
            d = 8.0
            v_thresh = 30.0 : population
        """,
        equations="""
            I = g_exc - g_inh + noise * Normal(0.0, 1.0)
            dv/dt = 0.04 * v * v + 5.0 * v + 140.0 - u + I : init = -65.0
            du/dt = a * (b * v - u) : init = -13.0
        """,
        spike="v >= v_thresh",
        reset="""
            v = c
            u += d
        """,
    )
    pop = sim.Population(n, neuron, name="izhikevich")
    rng = np.random.default_rng(param_seed)
    re, ri = rng.random(n_exc), rng.random(n_inh)
    exc_view, inh_view = pop[:n_exc], pop[n_exc:]
    exc_view.noise = 5.0
    inh_view.noise = 2.0
    exc_view.a = 0.02
    inh_view.a = 0.02 + 0.08 * ri
    exc_view.b = 0.2
    inh_view.b = 0.25 - 0.05 * ri
    exc_view.c = -65.0 + 15.0 * re**2
    inh_view.c = -65.0
    exc_view.d = 8.0 - 6.0 * re**2
    inh_view.d = 2.0
    pop.v = -65.0
    pop.u = pop.b * -65.0
    exc = sim.Projection(exc_view, pop, "exc")
    exc.connect_all_to_all(sim.Uniform(0.0, 0.5))
    inh = sim.Projection(inh_view, pop, "inh")
    inh.connect_all_to_all(sim.Uniform(0.0, 1.0))
    return BenchModel(
        duration=duration, spiking=True, population=pop, projections=[exc, inh],
        description=f"Izhikevich pulse-coupled: {n} neurons ({n_exc} exc), all-to-all, noise 5 / 2, dt 1 ms",
    )
