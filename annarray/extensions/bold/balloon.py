"""The predefined BOLD models of the reference: four balloon-model variants (Stephan et al.,
2007), the model of Maith et al. (2021) and a two-input model (Maith et al., 2022).

All share the neurovascular coupling and the balloon (times in ms, ``second`` = 1000 ms):

* flow-inducing signal ``s`` and inflow ``f_in``: a damped oscillator driven by ``I_CBF``;
* oxygen extraction ``E = 1 - (1 - E_0)^(1/f_in)``;
* venous volume ``v`` and deoxyhemoglobin ``q``, outflow ``f_out = v^(1/alpha)``;
* ``BOLD`` from ``q`` and ``v`` with coefficients ``k_1``, ``k_2``, ``k_3``.

Naming (Stephan et al., 2007): ``C``/``R`` classical or revised coefficients, ``N``/``L``
non-linear or linear BOLD equation. References: Buxton et al. (1998) Magn. Reson. Med. 39,
855-864; Friston et al. (2000) NeuroImage 12, 466-477; Obata et al. (2004) NeuroImage 21,
144-153; Stephan et al. (2007) NeuroImage 38, 387-401; Maith et al. (2021) Eur. J.
Neurosci. 53, 2278-2295; Maith et al. (2022) Front. Neuroinform. 16, 790966.
"""

import textwrap

from annarray.extensions.bold.model import BoldModel

__all__ = ["balloon_RN", "balloon_RL", "balloon_CN", "balloon_CL", "balloon_maith2021",
           "balloon_two_inputs"]

_COUPLING = """
    I_CBF = sum(I_CBF) : init=0
    ds/dt = (phi * I_CBF - kappa * s - gamma * (f_in - 1)) / second : init=0
    df_in/dt = s / second : init=1, min=0.01
    E = 1 - (1 - E_0)**(1 / f_in) : init=0.3424
"""
_BALLOON = """
    dq/dt = (f_in * E / E_0 - (q / v) * f_out) / (tau * second) : init=1, min=0.01
    dv/dt = (f_in - f_out) / (tau * second) : init=1, min=0.01
    f_out = v**(1 / alpha) : init=1, min=0.01
"""
# ANNarchy 4.8.2's balloon_RL leaves 'second' out of these two ODEs (tau in ms, not s):
# kept as measured (docs/reference_facts.md R), so that scripts give the same signal
_BALLOON_RL = """
    tau * dq/dt = f_in * E / E_0 - (q / v) * f_out : init=1, min=0.01
    tau * dv/dt = f_in - f_out : init=1, min=0.01
    f_out = v**(1 / alpha) : init=1, min=0.01
"""
_CLASSIC = """
    k_1 = (1 - V_0) * 4.3 * v_0 * E_0 * TE
    k_2 = 2 * E_0
    k_3 = 1 - epsilon
"""
_REVISED = """
    k_1 = 4.3 * v_0 * E_0 * TE
    k_2 = epsilon * r_0 * E_0 * TE
    k_3 = 1 - epsilon
"""
_NONLINEAR = "\n    BOLD = V_0 * (k_1 * (1 - q) + k_2 * (1 - q / v) + k_3 * (1 - v)) : init=0\n"
_LINEAR = "\n    BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v)) : init=0\n"


def _equations(*parts):
    """The parts, each dedented, one after the other."""
    return "\n".join(textwrap.dedent(part).strip() for part in parts)


def _parameters(values, flag=" : population"):
    """Declarations ``name = value`` (values written exactly, ``repr`` of the float)."""
    return "\n".join(f"{name} = {float(value)!r}{flag}" for name, value in values.items())


def _stephan_parameters(phi, kappa, gamma, E_0, tau, alpha, V_0, v_0, TE, epsilon, r_0=None):
    values = dict(second=1000.0, phi=phi, kappa=kappa, gamma=gamma, E_0=E_0, tau=tau, alpha=alpha,
                  V_0=V_0, v_0=v_0, TE=TE, epsilon=epsilon)
    if r_0 is not None:
        values["r_0"] = r_0
    return _parameters(values)


class balloon_RN(BoldModel):  # noqa: N801 (the reference's class names)
    """Balloon model with revised coefficients and the non-linear BOLD equation.

    Parameters (one value per population): ``phi`` (coupling gain), ``kappa`` (signal
    decay, 1/s), ``gamma`` (flow feedback, 1/s), ``E_0`` (resting oxygen extraction),
    ``tau`` (transit time, s), ``alpha`` (Grubb's exponent), ``V_0`` (resting venous volume
    fraction), ``v_0`` (frequency offset, Hz), ``TE`` (echo time, s), ``epsilon``
    (intra/extravascular signal ratio), ``r_0`` (intravascular relaxation slope, 1/s).
    """

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
                 V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43, r_0=25):
        super().__init__(
            parameters=_stephan_parameters(phi, kappa, gamma, E_0, tau, alpha, V_0, v_0, TE, epsilon, r_0),
            equations=_equations(_COUPLING, _BALLOON, _REVISED, _NONLINEAR),
            inputs="I_CBF", output="BOLD", name="BOLD model RN",
            description="BOLD signal from the balloon model with revised coefficients and "
                        "the non-linear BOLD equation (Stephan et al., 2007).")


class balloon_RL(BoldModel):  # noqa: N801
    """Balloon model with revised coefficients and the linear BOLD equation.

    Same parameters as :class:`balloon_RN`. As in ANNarchy 4.8.2, ``q`` and ``v`` evolve
    with the time constant ``tau`` in ms (their ODEs are not divided by ``second``).
    """

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
                 V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43, r_0=25):
        super().__init__(
            parameters=_stephan_parameters(phi, kappa, gamma, E_0, tau, alpha, V_0, v_0, TE, epsilon, r_0),
            equations=_equations(_COUPLING, _BALLOON_RL, _REVISED, _LINEAR),
            inputs="I_CBF", output="BOLD", name="BOLD model RL",
            description="BOLD signal from the balloon model with revised coefficients and "
                        "the linear BOLD equation (Stephan et al., 2007).")


class balloon_CN(BoldModel):  # noqa: N801
    """Balloon model with classical coefficients and the non-linear BOLD equation.

    Same parameters as :class:`balloon_RN` without ``r_0``.
    """

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
                 V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43):
        super().__init__(
            parameters=_stephan_parameters(phi, kappa, gamma, E_0, tau, alpha, V_0, v_0, TE, epsilon),
            equations=_equations(_COUPLING, _BALLOON, _CLASSIC, _NONLINEAR),
            inputs="I_CBF", output="BOLD", name="BoldNeuron CN",
            description="BOLD signal from the balloon model with classical coefficients and "
                        "the non-linear BOLD equation (Stephan et al., 2007).")


class balloon_CL(BoldModel):  # noqa: N801
    """Balloon model with classical coefficients and the linear BOLD equation.

    Same parameters as :class:`balloon_RN` without ``r_0``.
    """

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
                 V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43):
        super().__init__(
            parameters=_stephan_parameters(phi, kappa, gamma, E_0, tau, alpha, V_0, v_0, TE, epsilon),
            equations=_equations(_COUPLING, _BALLOON, _CLASSIC, _LINEAR),
            inputs="I_CBF", output="BOLD", name="BoldNeuron CL",
            description="BOLD signal from the balloon model with classical coefficients and "
                        "the linear BOLD equation (Stephan et al., 2007).")


class balloon_maith2021(BoldModel):  # noqa: N801
    """The balloon model of Maith et al. (2021) (per-neuron parameters, fixed values)."""

    def __init__(self):
        parameters = _parameters(dict(second=1000.0, phi=1.0, kappa=0.665, gamma=0.412, E_0=0.3424,
                                      tau=1.0368, alpha=0.3215, V_0=0.02), flag="")
        coefficients = """
            k_1 = 7 * E_0
            k_2 = 2
            k_3 = 2 * E_0 - 0.2
        """
        super().__init__(parameters=parameters,
                         equations=_equations(_COUPLING, _BALLOON, coefficients, _NONLINEAR),
                         inputs="I_CBF", output="BOLD", name="Maith2021 BOLD model",
                         description="BOLD signal of Maith et al. (2021).")


class balloon_two_inputs(BoldModel):  # noqa: N801
    """Two inputs: ``I_CBF`` drives the blood flow ``f_in``, ``I_CMRO2`` the oxygen
    metabolism ``r``, each through a damped oscillator (CBF under-damped, CMRO2 critically
    damped and 10 times stiffer); then the balloon with a viscoelastic outflow and the
    non-linear BOLD equation with revised coefficients (Maith et al., 2022)."""

    def __init__(self):
        # kappa: 0.6 * sqrt(4 gamma) for CBF (under-damped), sqrt(4 gamma) for CMRO2 (critical)
        parameters = _parameters(dict(
            kappa_CBF=0.7650920556760059, gamma_CBF=1 / 2.46,
            kappa_CMRO2=4.032389192727559, gamma_CMRO2=10 / 2.46,
            phi_CBF=1.0, phi_CMRO2=1.0, E_0=0.34, tau=0.98, alpha=0.33, V_0=0.02, v_0=40.3,
            TE=40 / 1000.0, epsilon=1.0, r_0=25.0, tau_out1=0.0, tau_out2=20.0, second=1000.0), flag="")
        equations = """
            I_CBF = sum(I_CBF) : init=0
            second * ds_CBF/dt = phi_CBF * I_CBF - kappa_CBF * s_CBF - gamma_CBF * (f_in - 1) : init=0
            second * df_in/dt = s_CBF : init=1, min=0.01
            I_CMRO2 = sum(I_CMRO2) : init=0
            second * ds_CMRO2/dt = phi_CMRO2 * I_CMRO2 * (gamma_CMRO2 / gamma_CBF) - kappa_CMRO2 * s_CMRO2 - gamma_CMRO2 * (r - 1) : init=0
            second * dr/dt = s_CMRO2 : init=1, min=0.01
            dv = f_in - v**(1 / alpha)
            tau_out = if dv > 0: tau_out1 else: tau_out2
            f_out = v**(1 / alpha) + tau_out * dv / (tau + tau_out) : init=1, min=0.01
            dq/dt = (r - (q / v) * f_out) / (second * tau) : init=1, min=0.01
            dv/dt = dv / (tau + tau_out) / second : init=1, min=0.01
        """
        super().__init__(parameters=parameters, equations=_equations(equations, _REVISED, _NONLINEAR), inputs=["I_CBF", "I_CMRO2"],
                         output="BOLD", name="BOLD model with two inputs",
                         description="BOLD signal with separate blood-flow (CBF) and oxygen-"
                                     "metabolism (CMRO2) inputs (Maith et al., 2022).")
