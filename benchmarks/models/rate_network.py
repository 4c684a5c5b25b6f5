"""Rate-coded network: 10,000 ``LeakyIntegrator`` neurons with sparse random connectivity.

``tau * dv/dt + v = sum(exc) - sum(inh) + B`` (exponential Euler, tau = 10 ms),
``r = pos(v)``. The first 80 % of the neurons project with target ``exc``, the other 20 %
with target ``inh``, each onto every neuron with probability ``probability`` (1 % or 10 %:
1 or 10 million synapses). Weights are uniform around ``1 / (K_exc)`` (excitatory) and
``4 / K_exc`` (inhibitory), K_exc = 0.8 N p the mean number of excitatory inputs, so that
excitation and inhibition balance on average and the activity stays finite; the baseline
``B ~ U(0, 1)`` per neuron keeps it away from zero. dt = 1 ms, 1 s.

The point of the model is the cost of the sparse transmission (one SpMV per projection and
step) against the neuron update: the mean rate ``r`` is only a sanity check that both
simulators compute the same dynamics (it depends on the random connectivity, so the two
agree in expectation, not to the last digit).
"""

from benchmarks.models import BenchModel

__all__ = ["build", "N"]

N = 10000


def build(sim, n=N, probability=0.01, exc_fraction=0.8, duration=1000.0):
    """Builds the rate network in ``sim`` (``annarray`` or ``ANNarchy``); nothing is compiled."""
    n_exc = int(round(n * exc_fraction))
    sim.setup(dt=1.0)
    pop = sim.Population(n, sim.LeakyIntegrator(tau=10.0), name="rate")
    pop.B = sim.Uniform(0.0, 1.0)
    k_exc = n_exc * probability  # mean number of excitatory inputs of a neuron
    w = 1.0 / k_exc
    exc = sim.Projection(pop[:n_exc], pop, "exc")
    exc.connect_fixed_probability(probability, sim.Uniform(0.0, 2.0 * w))
    inh = sim.Projection(pop[n_exc:], pop, "inh")
    inh.connect_fixed_probability(probability, sim.Uniform(0.0, 8.0 * w))
    return BenchModel(
        duration=duration, spiking=False, population=pop, projections=[exc, inh],
        description=f"rate: {n} LeakyIntegrator ({n_exc} exc), p = {probability}, B ~ U(0, 1), dt 1 ms",
    )
