"""The benchmark models written for Brian2 (a second peer: its ``numpy`` and ``cython`` runtimes).

Brian2 has its own interface, so these are separate translations of
:mod:`benchmarks.models.coba`, :mod:`~benchmarks.models.cuba` and
:mod:`~benchmarks.models.rate_network` with the same sizes, parameters, initial state
distributions, time step and integration method (explicit Euler for the spiking models; the
exact exponential step for the rate network, as ``LeakyIntegrator``'s ``exponential``).
Differences that remain: Brian2 applies a spike's ``on_pre`` in the step of the spike
(annarray and ANNarchy one step later), and its random numbers are its own, so the networks
agree in their statistics (rates), not spike for spike.

Only this module and the runner's child import Brian2; it runs in whatever interpreter has
Brian2 installed (``--brian2-python``), never annarray's tests.
"""

from benchmarks.models import coba as coba_model
from benchmarks.models import cuba as cuba_model
from benchmarks.models import rate_network as rate_model

__all__ = ["MODELS", "build"]

MODELS = ("coba", "cuba", "rate1")  # rate10: ~300 s a run on the numpy runtime


class Built:
    """What :func:`build` returns: the Brian2 ``Network``, the observed group, the synapse
    objects, the duration (ms) and whether the model spikes."""

    def __init__(self, net, group, synapses, duration, spiking, description):
        self.net, self.group, self.synapses = net, group, synapses
        self.duration, self.spiking, self.description = duration, spiking, description


def build(name, target, seed):
    """Builds model ``name`` with Brian2's code generation ``target`` ('numpy' or 'cython')."""
    import brian2 as b2

    b2.start_scope()
    b2.prefs.codegen.target = target
    b2.seed(seed)
    if name in ("coba", "cuba"):
        return _spiking(b2, name)
    return _rate(b2, 0.01 if name == "rate1" else 0.1)


def _spiking(b2, name):
    ms = b2.ms
    b2.defaultclock.dt = 0.1 * ms
    n, n_exc = coba_model.N, coba_model.N_EXC
    if name == "coba":
        eqs = """
            dv/dt = ((-60.0 - v) + g_exc * (0.0 - v) + g_inh * (-80.0 - v) + 20.0) / (20.0 * ms) : 1 (unless refractory)
            dg_exc/dt = -g_exc / (5.0 * ms) : 1
            dg_inh/dt = -g_inh / (10.0 * ms) : 1
        """
        threshold, w_exc, w_inh = "v > -50.0", 0.6, 6.7
    else:
        eqs = """
            dv/dt = ((-49.0 - v) + g_exc + g_inh) / (20.0 * ms) : 1 (unless refractory)
            dg_exc/dt = -g_exc / (5.0 * ms) : 1
            dg_inh/dt = -g_inh / (10.0 * ms) : 1
        """
        threshold, w_exc, w_inh = "v > -50.0", cuba_model.W_EXC, cuba_model.W_INH
    group = b2.NeuronGroup(n, eqs, threshold=threshold, reset="v = -60.0", refractory=5.0 * ms, method="euler")
    if name == "coba":
        group.v = "-55.0 + 5.0 * randn()"
        group.g_exc = "4.0 + 1.5 * randn()"
        group.g_inh = "20.0 + 12.0 * randn()"
    else:
        group.v = "-60.0 + 10.0 * rand()"
    exc = b2.Synapses(group[:n_exc], group, on_pre=f"g_exc += {w_exc!r}")
    exc.connect(p=0.02)
    inh = b2.Synapses(group[n_exc:], group, on_pre=f"g_inh += {w_inh!r}")
    inh.connect(p=0.02)
    net = b2.Network(group, exc, inh)
    what = "COBA" if name == "coba" else "CUBA"
    return Built(net, group, [exc, inh], 1000.0, True, f"{what} (Brian2): {n} IF neurons, p = 0.02, dt 0.1 ms")


def _rate(b2, probability):
    ms = b2.ms
    b2.defaultclock.dt = 1.0 * ms
    n = rate_model.N
    n_exc = int(round(n * 0.8))
    w = 1.0 / (n_exc * probability)
    # LeakyIntegrator: tau dv/dt + v = sum(exc) - sum(inh) + B, exact exponential step
    eqs = """
        dv/dt = (sum_exc - sum_inh + B - v) / (10.0 * ms) : 1
        r = clip(v, 0.0, inf) : 1
        sum_exc : 1
        sum_inh : 1
        B : 1 (constant)
    """
    group = b2.NeuronGroup(n, eqs, method="exponential_euler")
    group.B = "rand()"
    exc = b2.Synapses(group[:n_exc], group, model="w : 1\nsum_exc_post = w * r_pre : 1 (summed)")
    exc.connect(p=probability)
    exc.w = f"{2.0 * w!r} * rand()"
    inh = b2.Synapses(group[n_exc:], group, model="w : 1\nsum_inh_post = w * r_pre : 1 (summed)")
    inh.connect(p=probability)
    inh.w = f"{8.0 * w!r} * rand()"
    net = b2.Network(group, exc, inh)
    return Built(net, group, [exc, inh], 1000.0, False,
                 f"rate (Brian2): {n} leaky integrators, p = {probability}, dt 1 ms")
