"""Built-in rate-coded synapse types, with the reference's parameter names and defaults."""

from annarray.core.synapse import Synapse

__all__ = ["DefaultRateCodedSynapse", "Hebb", "Oja", "IBCM"]


class DefaultRateCodedSynapse(Synapse):
    """Non-plastic synapse transmitting ``w * pre.r`` (what ``synapse=None`` gives)."""

    def __init__(self):
        super().__init__(psp="w * pre.r", name="Default rate-coded synapse",
                         description="Weighted sum of the presynaptic rates, no plasticity.")


class Hebb(Synapse):
    """Hebbian rule ``dw/dt = eta * pre.r * post.r`` with non-negative weights.

    :param eta: learning rate (per ms), one value per projection.
    """

    def __init__(self, eta=0.01):
        super().__init__(
            parameters=f"eta = {float(eta)} : projection",
            equations="dw/dt = eta * pre.r * post.r : min=0.0",
            name="Hebbian synapse",
            description="Hebbian learning rule.",
        )


class Oja(Synapse):
    """Oja's rule ``dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w)``, non-negative weights.

    :param eta: learning rate (per ms).
    :param alpha: regularisation factor.
    """

    def __init__(self, eta=0.01, alpha=1.0):
        super().__init__(
            parameters=f"""
                eta = {float(eta)} : projection
                alpha = {float(alpha)} : projection
            """,
            equations="dw/dt = eta * ( pre.r * post.r - alpha * post.r^2 * w ) : min=0.0",
            name="Oja synapse",
            description="Hebbian learning rule normalised by Oja's decay term.",
        )


class IBCM(Synapse):
    """Intrator & Cooper's BCM rule: a sliding threshold ``theta`` per postsynaptic neuron.

    ``tau * dtheta/dt + theta = post.r^2`` and ``dw/dt = eta * post.r * (post.r - theta) * pre.r``.

    :param eta: learning rate (per ms).
    :param tau: time constant of the threshold (ms).
    """

    def __init__(self, eta=0.01, tau=2000.0):
        super().__init__(
            parameters=f"""
                eta = {float(eta)} : projection
                tau = {float(tau)} : projection
            """,
            equations="""
                tau * dtheta/dt + theta = post.r^2 : postsynaptic, exponential
                dw/dt = eta * post.r * (post.r - theta) * pre.r : min=0.0, explicit
            """,
            name="IBCM",
            description="Intrator and Cooper's BCM learning rule.",
        )
