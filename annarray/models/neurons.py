"""Built-in neuron types, with the reference's parameter names and defaults."""

from annarray.core.neuron import Neuron

__all__ = ["LeakyIntegrator"]


class LeakyIntegrator(Neuron):
    """Leaky-integrator rate-coded neuron, optionally noisy.

    ``tau * dv/dt + v = I + B (+ noise)`` with ``I = sum(exc) - sum(inh)`` by default, and
    the rectified output ``r = pos(v - T)``.

    :param tau: time constant (ms), population-wide.
    :param B: baseline, per neuron.
    :param T: threshold of the output, population-wide.
    :param sum: the input term (any expression of ``sum(target)``).
    :param noise: optional noise term, e.g. ``'Normal(0.0, 0.1)'``.
    """

    def __init__(self, tau=10.0, B=0.0, T=0.0, sum="sum(exc) - sum(inh)", noise=None):
        noise_term = f" + {noise}" if noise else ""
        super().__init__(
            parameters=f"""
                tau = {float(tau)} : population
                B = {float(B)}
                T = {float(T)} : population
            """,
            equations=f"""
                tau * dv/dt + v = {sum} + B{noise_term} : exponential
                r = pos(v - T)
            """,
            name="Leaky-Integrator",
            description="Leaky-integrator rate-coded neuron with a rectified output.",
        )
