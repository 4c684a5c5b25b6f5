"""Numerical methods and the order of evaluation.

Reference values: docs/reference_facts.md §A, measurement 1 (order of evaluation, explicit Euler, with and
without clamps) and measurement 2 (the coupled v/u system under every method), measured on
ANNarchy 4.8.2. Convergence orders are checked against the analytic solution exp(-t/tau).
"""

import math

import numpy as np
import pytest

import annarray as ann
from annarray.errors import ModelError

# -- docs/reference_facts.md §A, measurement 2 ---------------------------------------------------------------

MEASUREMENT_2 = {
    "explicit": (
        [0.1, 0.19, 0.271],
        [0.0, 0.01, 0.027999999999999997],
    ),
    "midpoint": (
        [0.095, 0.180975, 0.258782375],
        [0.005, 0.018074999999999997, 0.037645625],
    ),
    "rk4": (
        [0.0951625, 0.18126909859375, 0.2591815779988223],
        [0.0046791666666666665, 0.01752367234375, 0.036937074812095703],
    ),
    "implicit": (
        [0.09090909090909091, 0.17355371900826447, 0.24868519909842224],
        [0.008264462809917356, 0.023290758827948913, 0.04378116248890103],
    ),
    "semiimplicit": (
        [0.09090909090909091, 0.17355371900826447, 0.24868519909842224],
        [0.0, 0.008264462809917356, 0.023290758827948913],
    ),
    "exponential": (
        [0.09516258196404048, 0.18126924692201823, 0.25918177931828223],
        [0.0, 0.009055917006062723, 0.025444182129490185],
    ),
}


def _coupled_system(method, as_flag=True):
    flag = f" : {method}" if as_flag else ""
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population\nI = 1.0",
        equations=f"tau*dv/dt + v = I{flag}\ntau*du/dt = v - u{flag}\nr = v",
    )
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, ["v", "u", "r"])
    ann.compile()
    ann.simulate(3.0)
    return mon.get("v")[:, 0], mon.get("u")[:, 0]


@pytest.mark.parametrize("method", sorted(MEASUREMENT_2))
def test_measurement_2_method_flag(method, paradigm):
    """docs/reference_facts.md §A measurement 2: dt=1, tau=10, I=1, v and u start at 0."""
    v, u = _coupled_system(method)
    expected_v, expected_u = MEASUREMENT_2[method]
    np.testing.assert_allclose(v, expected_v, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(u, expected_u, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("method", sorted(MEASUREMENT_2))
def test_measurement_2_method_from_setup(method, paradigm):
    """docs/reference_facts.md §A: the default method is set globally with setup(method=...)."""
    ann.setup(method=method)
    v, u = _coupled_system(method, as_flag=False)
    expected_v, expected_u = MEASUREMENT_2[method]
    np.testing.assert_allclose(v, expected_v, rtol=1e-12)
    np.testing.assert_allclose(u, expected_u, rtol=1e-12, atol=1e-15)


def test_runge_kutta4_old_spelling(paradigm):
    """docs/reference_facts.md §A: the old spelling `runge-kutta4` is accepted and means rk4."""
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population\nI = 1.0",
        equations="tau*dv/dt + v = I : runge-kutta4\ntau*du/dt = v - u : runge-kutta4\nr = v",
    )
    pop = ann.Population(1, neuron)
    mon = ann.Monitor(pop, ["v", "u"])
    ann.compile()
    ann.simulate(3.0)
    np.testing.assert_allclose(mon.get("v")[:, 0], MEASUREMENT_2["rk4"][0], rtol=1e-12)
    np.testing.assert_allclose(mon.get("u")[:, 0], MEASUREMENT_2["rk4"][1], rtol=1e-12)


# -- docs/reference_facts.md §A, measurement 1 ---------------------------------------------------------------

def _order_system(bounds):
    b_flags = ", " + bounds["b"] if bounds.get("b") else ""
    c_flags = " : " + bounds["c"] if bounds.get("c") else ""
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population",
        equations=f"""
            a = b + 1
            tau*db/dt = a - b : init=1.0{b_flags}
            dc/dt = b - c{c_flags}
            d = c + a
            r = d : {bounds['r']}
        """,
    )
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, ["a", "b", "c", "d", "r"])
    ann.compile()
    ann.simulate(5.0)
    return {name: mon.get(name)[:, 0] for name in "abcdr"}


def test_measurement_1_order_of_evaluation(paradigm):
    """docs/reference_facts.md §A measurement 1 (explicit Euler, dt=1, tau=10, b init=1)."""
    rec = _order_system({"r": "min=0.0, max=5.0"})
    expected = {
        "a": [2.0, 2.1, 2.2, 2.3000000000000003, 2.4000000000000004],
        "b": [1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004, 1.5000000000000004],
        "c": [1.0, 1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004],
        "d": [3.0, 3.2, 3.4000000000000004, 3.6000000000000005, 3.8000000000000007],
        "r": [3.0, 3.2, 3.4000000000000004, 3.6000000000000005, 3.8000000000000007],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(rec[name], values, rtol=1e-12, err_msg=name)


def test_measurement_1_with_clamps(paradigm):
    """docs/reference_facts.md §A measurement 1 with clamps that bite (b max=1.15, c in [0, 1.05], r max=3.3)."""
    rec = _order_system({"b": "max=1.15", "c": "min=0, max=1.05", "r": "max=3.3"})
    expected = {
        "a": [2.0, 2.1, 2.15, 2.15, 2.15],
        "b": [1.1, 1.15, 1.15, 1.15, 1.15],
        "c": [1.0, 1.05, 1.05, 1.05, 1.05],
        "d": [3.0, 3.1500000000000004, 3.2, 3.2, 3.2],
        "r": [3.0, 3.1500000000000004, 3.2, 3.2, 3.2],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(rec[name], values, rtol=1e-12, err_msg=name)


def test_assignment_splits_ode_blocks(paradigm):
    """docs/reference_facts.md §A (manual example): `du/dt; I = ...; dk/dt; dv/dt`: u and k use the previous
    v; v uses the new I and the new u but the old k. Hand-computed, explicit Euler, dt=1."""
    neuron = ann.Neuron(
        equations="""
            du/dt = v
            I = u + 1.0
            dk/dt = v
            dv/dt = I + u + k
            r = v
        """
    )
    pop = ann.Population(1, neuron)
    pop.v = 1.0
    pop.k = 0.5
    mon = ann.Monitor(pop, ["u", "I", "k", "v"])
    ann.compile()
    ann.simulate(1.0)
    # u = 0 + 1 = 1; I = 1 + 1 = 2; k = 0.5 + 1 (old v) = 1.5; v = 1 + (2 + 1 + 0.5) = 4.5
    assert mon.get("u")[0, 0] == 1.0
    assert mon.get("I")[0, 0] == 2.0
    assert mon.get("k")[0, 0] == 1.5
    assert mon.get("v")[0, 0] == 4.5


def test_midpoint_clamp_after_update(paradigm):
    """docs/reference_facts.md §A: measured with the midpoint method, v capped at max=0.05 -> 0.05."""
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population\nI = 1.0",
        equations="tau*dv/dt + v = I : midpoint, max=0.05\nr = v",
    )
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, ["v"])
    ann.compile()
    ann.simulate(2.0)
    np.testing.assert_array_equal(mon.get("v")[:, 0], [0.05, 0.05])


# -- convergence order on tau*dv/dt = -v ------------------------------------------------------

def _decay_error(method, dt, tau=5.0, duration=10.0):
    ann.clear()
    ann.setup(dt=dt, method="explicit")
    neuron = ann.Neuron(
        parameters=f"tau = {tau} : population",
        equations=f"tau*dv/dt = -v : init=1.0, {method}\nr = v",
    )
    pop = ann.Population(1, neuron)
    ann.compile(directory=f"build_{method}_{dt}")
    ann.simulate(duration)
    assert ann.get_current_step() == round(duration / dt)
    return abs(float(pop.v[0]) - math.exp(-duration / tau))


@pytest.mark.parametrize(
    "method, low, high",
    [
        ("explicit", 1.8, 2.2),
        ("implicit", 1.8, 2.2),
        ("semiimplicit", 1.8, 2.2),
        ("midpoint", 3.6, 4.4),
        ("rk4", 14.0, 18.0),
    ],
)
def test_convergence_order(method, low, high, paradigm):
    """Error at t=10 ms against exp(-t/tau) for dt=0.1 and dt=0.05; the ratio is 2^order."""
    coarse = _decay_error(method, 0.1)
    fine = _decay_error(method, 0.05)
    assert fine > 0.0
    assert low <= coarse / fine <= high, (coarse, fine, coarse / fine)


@pytest.mark.parametrize("dt", [0.1, 0.05, 1.0])
def test_exponential_is_exact_for_linear_decay(dt, paradigm):
    """The exponential method solves tau*dv/dt = -v exactly: v(t) = exp(-t/tau)."""
    assert _decay_error("exponential", dt) < 1e-12


def test_exponential_exact_with_constant_input(paradigm):
    """docs/reference_facts.md §A: x += (1-exp(-dt/tau))*(A - x). Analytic: v(t) = I*(1 - exp(-t/tau))."""
    neuron = ann.Neuron(
        parameters="tau = 10.0 : population\nI = 0.0",
        equations="tau*dv/dt + v = I : exponential\nr = v",
    )
    pop = ann.Population(3, neuron)
    pop.I = [1.0, 2.0, -3.0]
    mon = ann.Monitor(pop, ["v"])
    ann.compile()
    ann.simulate(5.0)
    t = np.arange(1, 6)[:, None]
    expected = np.array([1.0, 2.0, -3.0])[None, :] * (1.0 - np.exp(-t / 10.0))
    np.testing.assert_allclose(mon.get("v"), expected, rtol=1e-12)


# -- nonlinear equations ----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["implicit", "exponential"])
def test_nonlinear_equation_rejected(method):
    """docs/reference_facts.md §A: the exponential method accepts only first-order linear ODEs
    (`dr/dt = r*r : exponential` raises). Backward Euler is defined for linear ODEs only."""
    with pytest.raises(ModelError) as info:
        neuron = ann.Neuron(equations=f"dr/dt = r*r : {method}", name="Quadratic")
        ann.Population(2, neuron)
        ann.compile()
    assert "Quadratic" in str(info.value)
    assert "dr/dt = r*r" in str(info.value)


@pytest.mark.parametrize("method", ["explicit", "midpoint", "rk4"])
def test_nonlinear_equation_explicit_methods(method, paradigm):
    """dr/dt = r*r from r0=0.5, dt=1, one step. Hand-computed:
    explicit 0.5 + 0.25 = 0.75; midpoint 0.5 + (0.5+0.125)^2 = 0.890625;
    rk4 k1=0.25, k2=0.390625, k3=0.4819946289, k4=0.9641..., see below."""
    neuron = ann.Neuron(equations=f"dr/dt = r*r : init=0.5, {method}")
    pop = ann.Population(1, neuron)
    ann.compile()
    ann.simulate(1.0)
    r0 = 0.5
    if method == "explicit":
        expected = r0 + r0 * r0
    elif method == "midpoint":
        expected = r0 + (r0 + 0.5 * r0 * r0) ** 2
    else:
        k1 = r0 * r0
        k2 = (r0 + 0.5 * k1) ** 2
        k3 = (r0 + 0.5 * k2) ** 2
        k4 = (r0 + k3) ** 2
        expected = r0 + (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
    assert pop.r[0] == pytest.approx(expected, rel=1e-14)


def test_semiimplicit_nonlinear_own_variable_is_linearised(paradigm):
    """semiimplicit: implicit in its own variable only, other variables at OLD values
    (docs/reference_facts.md §A). For du/dt = v - u with v fixed at 2 and u0 = 0, dt=1:
    u1 = (u0 + dt*v)/(1 + dt) = 1.0; u2 = (1 + 2)/2 = 1.5."""
    neuron = ann.Neuron(parameters="v = 2.0", equations="du/dt = v - u : semiimplicit\nr = u")
    pop = ann.Population(1, neuron)
    mon = ann.Monitor(pop, ["u"])
    ann.compile()
    ann.simulate(2.0)
    np.testing.assert_allclose(mon.get("u")[:, 0], [1.0, 1.5], rtol=1e-15)
