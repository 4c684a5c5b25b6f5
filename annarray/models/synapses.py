"""Built-in rate-coded synapse types, with the reference's parameter names and defaults."""

from annarray.core.synapse import Synapse

__all__ = ["DefaultRateCodedSynapse", "DefaultSpikingSynapse", "Hebb", "Oja", "IBCM", "STP", "STDP"]


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


class DefaultSpikingSynapse(Synapse):
    """Non-plastic spiking synapse: each presynaptic spike adds ``w`` to ``g_target``."""

    def __init__(self):
        super().__init__(pre_spike="g_target += w", name="Default spiking synapse",
                         description="Increases the postsynaptic conductance by w at each presynaptic spike.")


class STP(Synapse):
    """Short-term plasticity (Tsodyks-Markram): resources ``x`` and utilisation ``u`` per
    synapse, recovering between spikes (integrated exactly, event-driven).

    :param tau_rec: recovery time constant of the resources (ms).
    :param tau_facil: facilitation time constant (ms).
    :param U: utilisation increment.
    """

    def __init__(self, tau_rec=100.0, tau_facil=0.01, U=0.5):
        super().__init__(
            parameters=f"""
                tau_rec = {float(tau_rec)} : projection
                tau_facil = {float(tau_facil)} : projection
                U = {float(U)}
            """,
            equations="""
                dx/dt = (1 - x)/tau_rec : init = 1.0, event-driven
                du/dt = (U - u)/tau_facil : init = 0.5, event-driven
            """,
            pre_spike="""
                g_target += w * u * x
                x *= (1 - u)
                u += U * (1 - u)
            """,
            name="Short-term plasticity",
            description="Synapse exhibiting short-term facilitation and depression.",
        )


class STDP(Synapse):
    """Spike-timing dependent plasticity with exponential traces (event-driven).

    :param tau_plus: decay of the presynaptic trace ``x`` (ms).
    :param tau_minus: decay of the postsynaptic trace ``y`` (ms).
    :param A_plus: potentiation increment of ``x`` per presynaptic spike.
    :param A_minus: depression step of ``y`` (negative trace) per postsynaptic spike.
    :param w_min: lower bound of the weight.
    :param w_max: upper bound of the weight.
    """

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0, w_max=1.0):
        super().__init__(
            parameters=f"""
                tau_plus = {float(tau_plus)} : projection
                tau_minus = {float(tau_minus)} : projection
                A_plus = {float(A_plus)} : projection
                A_minus = {float(A_minus)} : projection
                w_min = {float(w_min)} : projection
                w_max = {float(w_max)} : projection
            """,
            equations="""
                tau_plus * dx/dt = -x : event-driven
                tau_minus * dy/dt = -y : event-driven
            """,
            pre_spike="""
                g_target += w
                x += A_plus * w_max
                w = clip(w + y, w_min, w_max)
            """,
            post_spike="""
                y -= A_minus * w_max
                w = clip(w + x, w_min, w_max)
            """,
            name="Spike-timing dependent plasticity",
            description="Synapse exhibiting spike-timing dependent plasticity.",
        )
