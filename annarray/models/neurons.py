"""Built-in neuron types, with the reference's parameter names, defaults and equations."""

from annarray.core.neuron import Neuron

__all__ = ["LeakyIntegrator", "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha",
           "HH_cond_exp", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista"]


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


def _parameters(values):
    """``name = value`` lines (per-neuron parameters, as the reference declares them)."""
    return "\n".join(f"{name} = {value}" for name, value in values.items())


class Izhikevich(Neuron):
    """Izhikevich's quadratic integrate-and-fire neuron with a recovery variable (2003).

    ``dv/dt = 0.04 v² + 5 v + 140 - u + I`` and ``du/dt = a (b v - u)`` (explicit Euler),
    with ``I = <conductance> + noise * Normal(0, 1) + i_offset``; a spike when
    ``v > v_thresh``, then ``v = c`` and ``u += d``. ``v`` starts at ``c``, ``u`` at ``b * c``.

    :param a: time scale of the recovery variable u (1/ms).
    :param b: sensitivity of u to v.
    :param c: reset value of v (mV), also its initial value.
    :param d: increment of u at each spike.
    :param v_thresh: spike threshold (mV).
    :param i_offset: constant input current.
    :param noise: standard deviation of a Gaussian current drawn at each step.
    :param tau_refrac: refractory period (ms).
    :param conductance: the synaptic input term (conductances ``g_<target>``).
    """

    def __init__(self, a=0.02, b=0.2, c=-65.0, d=8.0, v_thresh=30.0, i_offset=0.0, noise=0.0,
                 tau_refrac=0.0, conductance="g_exc - g_inh"):
        parameters = _parameters(dict(noise=noise, a=a, b=b, c=c, d=d, v_thresh=v_thresh,
                                      i_offset=i_offset, tau_refrac=tau_refrac))
        equations = f"""
            I = {conductance} + noise * Normal(0.0, 1.0) + i_offset
            dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = {c}
            du/dt = a * (b*v - u) : init = {b * c}
        """
        super().__init__(parameters=parameters, equations=equations, spike="v > v_thresh",
                         reset="v = c\nu += d", refractory="tau_refrac", name="Izhikevich",
                         description="Quadratic integrate-and-fire neuron with a recovery variable.")


_IF_DOC = """
    :param v_rest: resting potential (mV).
    :param cm: membrane capacitance (nF).
    :param tau_m: membrane time constant (ms).
    :param tau_refrac: refractory period (ms).
    :param tau_syn_E: time constant of the excitatory synaptic input (ms).
    :param tau_syn_I: time constant of the inhibitory synaptic input (ms).
    :param v_thresh: spike threshold (mV).
    :param v_reset: reset potential after a spike (mV), also the initial value of v.
    :param i_offset: constant input current (nA)."""
_COND_DOC = """
    :param e_rev_E: reversal potential of the excitatory conductance (mV).
    :param e_rev_I: reversal potential of the inhibitory conductance (mV)."""
_ALPHA_EQUATIONS = """
            gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
            gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)"""
_ALPHA_ODES = """
            tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential
            tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential"""


def _integrate_and_fire(neuron, values, input_term, alpha, description):
    """Shared body of the IF_* models (the membrane and synaptic ODEs are exponential)."""
    equations = (_ALPHA_EQUATIONS if alpha else "") + f"""
            cm * dv/dt = cm/tau_m*(v_rest - v) + {input_term} + i_offset : exponential, init={values['v_reset']}
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential""" + (_ALPHA_ODES if alpha else "")
    Neuron.__init__(neuron, parameters=_parameters(values), equations=equations, spike="v > v_thresh",
                    reset="v = v_reset", refractory="tau_refrac", name="Integrate-and-Fire",
                    description=description)


class IF_curr_exp(Neuron):  # noqa: N801 (the reference's name)
    """Leaky integrate-and-fire neuron, fixed threshold, exponentially decaying input currents.

    ``cm dv/dt = cm/tau_m (v_rest - v) + g_exc - g_inh + i_offset`` and
    ``tau_syn_E dg_exc/dt = -g_exc`` (same for ``g_inh``), all with the exponential method;
    a spike when ``v > v_thresh``, then ``v = v_reset`` and ``tau_refrac`` ms of refractoriness.
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=5.0,
                 v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac, tau_syn_E=tau_syn_E,
                      tau_syn_I=tau_syn_I, v_thresh=v_thresh, v_reset=v_reset, i_offset=i_offset)
        _integrate_and_fire(self, values, "g_exc - g_inh", False,
                            "Leaky integrate-and-fire neuron with exponentially decaying synaptic currents.")


class IF_cond_exp(Neuron):  # noqa: N801
    """Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances.

    As :class:`IF_curr_exp`, the input being ``g_exc (e_rev_E - v) + g_inh (e_rev_I - v)``.
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=5.0,
                 e_rev_E=0.0, e_rev_I=-70.0, v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac, tau_syn_E=tau_syn_E,
                      tau_syn_I=tau_syn_I, v_thresh=v_thresh, v_reset=v_reset, i_offset=i_offset,
                      e_rev_E=e_rev_E, e_rev_I=e_rev_I)
        _integrate_and_fire(self, values, "g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v)", False,
                            "Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances.")


class IF_curr_alpha(Neuron):  # noqa: N801
    """Leaky integrate-and-fire neuron with alpha-shaped input currents.

    Each ``g_<target>`` decays exponentially and drives ``alpha_<target>``
    (``tau dalpha/dt = gmax g - alpha``, ``gmax = exp((tau - dt/2)/tau)``); the membrane
    receives ``alpha_exc - alpha_inh``.
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=5.0,
                 v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac, tau_syn_E=tau_syn_E,
                      tau_syn_I=tau_syn_I, v_thresh=v_thresh, v_reset=v_reset, i_offset=i_offset)
        _integrate_and_fire(self, values, "alpha_exc - alpha_inh", True,
                            "Leaky integrate-and-fire neuron with alpha-shaped synaptic currents.")


class IF_cond_alpha(Neuron):  # noqa: N801
    """Leaky integrate-and-fire neuron with alpha-shaped synaptic conductances.

    As :class:`IF_curr_alpha`, the input being
    ``alpha_exc (e_rev_E - v) + alpha_inh (e_rev_I - v)``.
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=5.0,
                 e_rev_E=0.0, e_rev_I=-70.0, v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac, tau_syn_E=tau_syn_E,
                      tau_syn_I=tau_syn_I, v_thresh=v_thresh, v_reset=v_reset, i_offset=i_offset,
                      e_rev_E=e_rev_E, e_rev_I=e_rev_I)
        _integrate_and_fire(self, values, "alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v)", True,
                            "Leaky integrate-and-fire neuron with alpha-shaped synaptic conductances.")


class HH_cond_exp(Neuron):  # noqa: N801
    """Single-compartment Hodgkin-Huxley neuron (sodium and delayed-rectifier potassium
    channels) with exponentially decaying synaptic conductances.

    The gating variables n, m, h and the membrane potential use the exponential method; a
    spike is emitted when v crosses ``v_thresh`` upwards (``prev_v`` holds v before the
    step); there is no reset and no refractory period. v starts at ``e_rev_leak``.

    :param gbar_Na: maximal sodium conductance.
    :param gbar_K: maximal potassium conductance.
    :param gleak: leak conductance.
    :param cm: membrane capacitance.
    :param v_offset: shift of the gating kinetics (mV).
    :param e_rev_Na: sodium reversal potential (mV).
    :param e_rev_K: potassium reversal potential (mV).
    :param e_rev_leak: leak reversal potential (mV), also the initial value of v.
    :param e_rev_E: excitatory reversal potential (mV).
    :param e_rev_I: inhibitory reversal potential (mV).
    :param tau_syn_E: excitatory conductance time constant (ms).
    :param tau_syn_I: inhibitory conductance time constant (ms).
    :param i_offset: constant input current.
    :param v_thresh: threshold of the upward crossing that counts as a spike (mV).
    """

    def __init__(self, gbar_Na=20.0, gbar_K=6.0, gleak=0.01, cm=0.2, v_offset=-63.0, e_rev_Na=50.0,
                 e_rev_K=-90.0, e_rev_leak=-65.0, e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=0.2, tau_syn_I=2.0,
                 i_offset=0.0, v_thresh=0.0):
        parameters = _parameters(dict(
            gbar_Na=gbar_Na, gbar_K=gbar_K, gleak=gleak, cm=cm, v_offset=v_offset, e_rev_Na=e_rev_Na,
            e_rev_K=e_rev_K, e_rev_leak=e_rev_leak, e_rev_E=e_rev_E, e_rev_I=e_rev_I, tau_syn_E=tau_syn_E,
            tau_syn_I=tau_syn_I, i_offset=i_offset, v_thresh=v_thresh))
        equations = f"""
            prev_v = v
            an = 0.032 * (15.0 - v + v_offset) / (exp((15.0 - v + v_offset)/5.0) - 1.0)
            am = 0.32 * (13.0 - v + v_offset) / (exp((13.0 - v + v_offset)/4.0) - 1.0)
            ah = 0.128 * exp((17.0 - v + v_offset)/18.0)
            bn = 0.5 * exp((10.0 - v + v_offset)/40.0)
            bm = 0.28 * (v - v_offset - 40.0) / (exp((v - v_offset - 40.0)/5.0) - 1.0)
            bh = 4.0/(1.0 + exp((10.0 - v + v_offset)))
            dn/dt = an * (1.0 - n) - bn * n : init = 0.0, exponential
            dm/dt = am * (1.0 - m) - bm * m : init = 0.0, exponential
            dh/dt = ah * (1.0 - h) - bh * h : init = 1.0, exponential
            cm * dv/dt = gleak*(e_rev_leak - v) + gbar_K * n**4 * (e_rev_K - v) + gbar_Na * m**3 * h * (e_rev_Na - v) + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset : exponential, init={e_rev_leak}
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        """
        super().__init__(parameters=parameters, equations=equations,
                         spike="(v > v_thresh) and (prev_v <= v_thresh)", reset="", name="Hodgkin-Huxley",
                         description="Single-compartment Hodgkin-Huxley neuron with sodium and potassium "
                                     "channels and exponential synaptic conductances.")


_EIF_DOC = """
    :param v_rest: resting potential (mV).
    :param cm: membrane capacitance (nF).
    :param tau_m: membrane time constant (ms).
    :param tau_refrac: refractory period (ms).
    :param tau_syn_E: excitatory synaptic time constant (ms).
    :param tau_syn_I: inhibitory synaptic time constant (ms).
    :param e_rev_E: excitatory reversal potential (mV).
    :param e_rev_I: inhibitory reversal potential (mV).
    :param tau_w: time constant of the adaptation current w (ms).
    :param a: subthreshold adaptation (nS).
    :param b: increment of w at each spike (nA).
    :param i_offset: constant input current (nA).
    :param delta_T: slope factor of the exponential term (mV).
    :param v_thresh: threshold of the exponential term (mV).
    :param v_reset: reset potential (mV), also the initial value of v.
    :param v_spike: spike detection threshold (mV)."""


def _adaptive_exponential(neuron, values, alpha):
    """Shared body of the EIF_*_isfa_ista models (membrane and adaptation: explicit Euler)."""
    inputs = "alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v)" if alpha else \
        "g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v)"
    equations = (_ALPHA_EQUATIONS if alpha else "") + f"""
            I = {inputs} + i_offset
            tau_m * dv/dt = (v_rest - v + delta_T * exp((v-v_thresh)/delta_T)) + tau_m/cm*(I - w) : init={values['v_reset']}
            tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential""" + (_ALPHA_ODES if alpha else "")
    Neuron.__init__(neuron, parameters=_parameters(values), equations=equations, spike="v > v_spike",
                    reset="v = v_reset\nw += b", refractory="tau_refrac",
                    name="Adaptive exponential Integrate-and-Fire",
                    description="Exponential integrate-and-fire neuron with spike-triggered and "
                                "subthreshold adaptation.")


def _eif_values(v_rest, cm, tau_m, tau_refrac, tau_syn_E, tau_syn_I, e_rev_E, e_rev_I, tau_w, a, b, i_offset,
                delta_T, v_thresh, v_reset, v_spike):
    return dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac, tau_syn_E=tau_syn_E,
                tau_syn_I=tau_syn_I, e_rev_E=e_rev_E, e_rev_I=e_rev_I, tau_w=tau_w, a=a, b=b,
                i_offset=i_offset, delta_T=delta_T, v_thresh=v_thresh, v_reset=v_reset, v_spike=v_spike)


class EIF_cond_exp_isfa_ista(Neuron):  # noqa: N801
    """Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with
    exponentially decaying conductances.

    ``tau_m dv/dt = v_rest - v + delta_T exp((v - v_thresh)/delta_T) + tau_m/cm (I - w)``,
    ``tau_w dw/dt = a (v - v_rest)/1000 - w``; a spike when ``v > v_spike``, then
    ``v = v_reset`` and ``w += b``.
    """

    def __init__(self, v_rest=-70.6, cm=0.281, tau_m=9.3667, tau_refrac=0.1, tau_syn_E=5.0, tau_syn_I=5.0,
                 e_rev_E=0.0, e_rev_I=-80.0, tau_w=144.0, a=4.0, b=0.0805, i_offset=0.0, delta_T=2.0,
                 v_thresh=-50.4, v_reset=-70.6, v_spike=-40.0):
        _adaptive_exponential(self, _eif_values(v_rest, cm, tau_m, tau_refrac, tau_syn_E, tau_syn_I, e_rev_E,
                                                e_rev_I, tau_w, a, b, i_offset, delta_T, v_thresh, v_reset,
                                                v_spike), False)


class EIF_cond_alpha_isfa_ista(Neuron):  # noqa: N801
    """Adaptive exponential integrate-and-fire neuron with alpha-shaped conductances
    (as :class:`EIF_cond_exp_isfa_ista`, the input going through ``alpha_exc``/``alpha_inh``).
    """

    def __init__(self, v_rest=-70.6, cm=0.281, tau_m=9.3667, tau_refrac=0.1, tau_syn_E=5.0, tau_syn_I=5.0,
                 e_rev_E=0.0, e_rev_I=-80.0, tau_w=144.0, a=4.0, b=0.0805, i_offset=0.0, delta_T=2.0,
                 v_thresh=-50.4, v_reset=-70.6, v_spike=-40.0):
        _adaptive_exponential(self, _eif_values(v_rest, cm, tau_m, tau_refrac, tau_syn_E, tau_syn_I, e_rev_E,
                                                e_rev_I, tau_w, a, b, i_offset, delta_T, v_thresh, v_reset,
                                                v_spike), True)


for _cls, _doc in ((IF_curr_exp, _IF_DOC), (IF_cond_exp, _IF_DOC + _COND_DOC), (IF_curr_alpha, _IF_DOC),
                   (IF_cond_alpha, _IF_DOC + _COND_DOC), (EIF_cond_exp_isfa_ista, _EIF_DOC),
                   (EIF_cond_alpha_isfa_ista, _EIF_DOC)):
    _cls.__doc__ = _cls.__doc__.rstrip() + "\n" + _doc + "\n    "
