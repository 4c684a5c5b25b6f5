"""BOLD monitoring: ``BoldMonitor`` and the predefined balloon models.

Sources of the expected numbers: analytic solutions (first-order model), hand-written
explicit Euler of the balloon equations, SciPy's ``solve_ivp`` of the continuous ODE, and
figures measured on ANNarchy 4.8.2 (docs/reference_facts.md, section R).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import ModelError, NetworkError
from annarray.extensions.bold import (
    BoldModel,
    BoldMonitor,
    balloon_CL,
    balloon_maith2021,
    balloon_RL,
    balloon_RN,
    balloon_two_inputs,
)

# balloon_RN defaults (docs/reference_facts.md R)
RN = dict(second=1000.0, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
          V_0=0.02, v_0=40.3, TE=0.04, epsilon=1.43, r_0=25.0)


def _constant_rate(size, rate, name=None):
    """A rate population whose ``r`` is a parameter (the same input from the first step)."""
    return ann.Population(size, ann.Neuron(parameters=f"r = {rate}"), name=name)


def _regions():
    """The two populations of the reference measurement (section R): r follows I."""
    neuron = ann.Neuron(parameters="I = 0.0", equations="r = I")
    return ann.Population(10, neuron, name="A"), ann.Population(30, neuron, name="B")


def _protocol(a, b, late=()):
    """Section R's protocol: I = 0.5 (A) and 0.2 (B); 20 ms; start ``late``; 100 ms;
    A.I = 1.5; 1000 ms."""
    ann.compile()
    a.I, b.I = 0.5, 0.2
    ann.simulate(20)
    for monitor in late:
        monitor.start()
    ann.simulate(100)
    a.I = 1.5
    ann.simulate(1000)


def _balloon_rn_euler(rate, dt, steps):
    """Hand-written explicit Euler of balloon_RN (order of the equations: I_CBF; s and
    f_in together; E; q and v together; f_out; coefficients; BOLD), constant input."""
    p = RN
    s, f_in, q, v, f_out = 0.0, 1.0, 1.0, 1.0, 1.0
    k_1 = 4.3 * p["v_0"] * p["E_0"] * p["TE"]
    k_2 = p["epsilon"] * p["r_0"] * p["E_0"] * p["TE"]
    k_3 = 1.0 - p["epsilon"]
    bold = []
    for _ in range(steps):
        ds = (p["phi"] * rate - p["kappa"] * s - p["gamma"] * (f_in - 1)) / p["second"]
        df = s / p["second"]
        s, f_in = s + dt * ds, max(f_in + dt * df, 0.01)
        e = 1 - (1 - p["E_0"]) ** (1 / f_in)
        dq = (f_in * e / p["E_0"] - (q / v) * f_out) / (p["tau"] * p["second"])
        dv = (f_in - f_out) / (p["tau"] * p["second"])
        q, v = max(q + dt * dq, 0.01), max(v + dt * dv, 0.01)
        f_out = max(v ** (1 / p["alpha"]), 0.01)
        bold.append(p["V_0"] * (k_1 * (1 - q) + k_2 * (1 - q / v) + k_3 * (1 - v)))
    return np.array(bold)


def _balloon_rn_ode(rate, t_end):
    """BOLD(t_end) of the continuous balloon_RN ODE with a constant input (solve_ivp)."""
    from scipy.integrate import solve_ivp

    p = RN

    def rhs(_, y):
        s, f_in, q, v = y
        f_out = v ** (1 / p["alpha"])
        e = 1 - (1 - p["E_0"]) ** (1 / f_in)
        return [(p["phi"] * rate - p["kappa"] * s - p["gamma"] * (f_in - 1)) / p["second"],
                s / p["second"],
                (f_in * e / p["E_0"] - q / v * f_out) / (p["tau"] * p["second"]),
                (f_in - f_out) / (p["tau"] * p["second"])]

    sol = solve_ivp(rhs, (0.0, t_end), [0.0, 1.0, 1.0, 1.0], method="DOP853", rtol=1e-12, atol=1e-14)
    _, _, q, v = sol.y[:, -1]
    k_1 = 4.3 * p["v_0"] * p["E_0"] * p["TE"]
    k_2 = p["epsilon"] * p["r_0"] * p["E_0"] * p["TE"]
    return p["V_0"] * (k_1 * (1 - q) + k_2 * (1 - q / v) + (1 - p["epsilon"]) * (1 - v))


# -- models --------------------------------------------------------------------------------
def test_custom_model_first_order(paradigm):
    """A custom model ``tau * dBOLD/dt = I_CBF - BOLD`` with a constant input 2.0:
    explicit Euler gives BOLD_n = 2 (1 - (1 - dt/tau)^n) after n steps (analytic)."""
    model = BoldModel(parameters="tau = 20.0", equations="I_CBF = sum(I_CBF)\ntau * dBOLD/dt = I_CBF - BOLD",
                      inputs="I_CBF")
    pop = _constant_rate(5, 2.0)
    bold = BoldMonitor(pop, bold_model=model, start=True)
    ann.compile()
    ann.simulate(50)
    n = np.arange(1, 51)
    np.testing.assert_allclose(bold.get("BOLD")[:, 0], 2.0 * (1 - (1 - 1 / 20.0) ** n), rtol=1e-12)


def test_model_without_r_gets_a_variable_r():
    """As in the reference, a BOLD model that declares no ``r`` gets one (0.0, variable)."""
    model = BoldModel(parameters="", equations="I_CBF = sum(I_CBF)\nBOLD = I_CBF", inputs="I_CBF")
    assert model.attributes["r"].kind == "variable" and model.attributes["r"].init == 0.0


def test_model_output_must_be_a_variable():
    """An output that the equations do not define is refused."""
    with pytest.raises(ModelError, match="output 'BOLD'"):
        BoldModel(parameters="", equations="I_CBF = sum(I_CBF)\nx = I_CBF", inputs="I_CBF")


def test_model_input_must_be_read():
    """An input never read with ``sum(input)`` is refused."""
    with pytest.raises(ModelError, match="sum\\(I_X\\)"):
        BoldModel(parameters="", equations="I_CBF = sum(I_CBF)\nBOLD = I_CBF", inputs=["I_CBF", "I_X"])


def test_balloon_rn_matches_hand_euler(paradigm):
    """balloon_RN driven by a constant input 1.0 (from the first step) gives the BOLD
    signal of a hand-written explicit Euler of its equations, step by step."""
    bold = BoldMonitor(_constant_rate(4, 1.0), start=True)
    ann.compile()
    ann.simulate(500)
    np.testing.assert_allclose(bold.get("BOLD")[:, 0], _balloon_rn_euler(1.0, 1.0, 500),
                               rtol=1e-11, atol=1e-18)


def test_balloon_rn_converges_to_the_ode():
    """Against the continuous ODE (solve_ivp, rtol 1e-12), the BOLD signal at 1 s has the
    error of a first-order method: halving dt halves it (ratio 2 within 10 %)."""
    exact = _balloon_rn_ode(1.0, 1000.0)
    errors = []
    for dt in (1.0, 0.5):
        ann.clear()
        ann.setup(dt=dt)
        bold = BoldMonitor(_constant_rate(1, 1.0), start=True)
        ann.compile()
        ann.simulate(1000.0)
        errors.append(abs(bold.get("BOLD")[-1, 0] - exact))
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.1)
    assert errors[0] < 1e-2 * abs(exact)


# -- reference figures (section R) -----------------------------------------------------------
ROWS = [0, 1, 2, 49, 50, 99, 100, 101, 102, 500, 1099]
REFERENCE = {
    "RN": [0.0, 2.056008975763746e-12, 8.243002753118846e-12, 4.733186804760267e-08,
           5.032450245794044e-08, 4.126916531295534e-07, 4.2585882359140094e-07,
           4.3931431570468643e-07, 4.5306353134998407e-07, 0.00010578098493102553,
           0.0014202440982934333],
    "RL": [-1.2625207546079763e-17, -1.2625207546079763e-17, 3.73819422669129e-09,
           0.0017300592829798476, -0.003326670039781696, 0.008531723374907058,
           -0.012245472419811871, 0.038149531199999996, -0.0007596613017685592,
           -0.010411079084992059, 0.038149531199999996],
    "two_inputs": [0.0, -2.717085698676058e-10, -1.0854002365567437e-09, -5.311465496392409e-06,
                   -5.629247294116154e-06, -3.980355969073748e-05, -4.095601624925994e-05,
                   -4.212944992765195e-05, -4.3324553949353274e-05, -0.006415677230520939,
                   -0.038369898584141866],
    "CL_scaled": [0.0, 1.193785033022152e-11, 4.781894563077884e-11, 2.647532719746592e-07,
                  2.813032012467112e-07, 2.2412041775004957e-06, 2.311522582249646e-06,
                  2.383338698707091e-06, 2.456691775196297e-06, 0.0007145685898786645,
                  0.010004044423912919],
    "maith2021": [0.0, 3.490053963162154e-12, 1.3985682826955783e-11, 7.873383163853733e-08,
                  8.36812917542247e-08, 6.755126256878869e-07, 6.968683616150883e-07,
                  7.186846363759827e-07, 7.409700888340823e-07, 0.0001635403361352352,
                  0.0021131304406147985],
}
MONITORS = {
    "RN": lambda a, b: BoldMonitor([a, b]),
    "RL": lambda a, b: BoldMonitor([a], bold_model=balloon_RL, start=True),
    "two_inputs": lambda a, b: BoldMonitor(a, bold_model=balloon_two_inputs(),
                                           mapping={"I_CBF": "r", "I_CMRO2": "r"}),
    "CL_scaled": lambda a, b: BoldMonitor([a, b], bold_model=balloon_CL(), scale_factor=[2.0, 0.5]),
    "maith2021": lambda a, b: BoldMonitor([a, b], bold_model=balloon_maith2021),
}


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_reference_bold_figures(case, paradigm):
    """The BOLD signal of each predefined model in section R's protocol equals the
    reference's (ANNarchy 4.8.2) at the listed recorded rows; balloon_RL included, whose q
    and v use tau in ms in 4.8.2."""
    a, b = _regions()
    bold = MONITORS[case](a, b)
    _protocol(a, b, late=[] if case == "RL" else [bold])
    np.testing.assert_allclose(bold.get("BOLD")[ROWS, 0], REFERENCE[case], rtol=1e-8, atol=1e-16)


def test_reference_balloon_state_figures(paradigm):
    """balloon_RN's state (s, f_in, q, v) in section R's protocol equals the reference's."""
    a, b = _regions()
    bold = BoldMonitor([a, b], recorded_variables=["s", "f_in", "q", "v"])
    _protocol(a, b, late=[bold])
    expected = {
        "s": [0.000275, 0.0005498214285714286, 0.0008244642898811409, 0.013531347665006748,
              0.013797425556871225, 0.02661701569980032, 0.026874190298760287, 0.02738118708130234,
              0.027887843720686832, 0.20281370145631483, 0.3708366774491258],
        "f_in": [1.0, 1.000000275, 1.0000008248214287, 1.000333376106948, 1.000346907454613,
                 1.001332396544515, 1.0013590135602146, 1.0013858877505133, 1.0014132689375945,
                 1.0489917507548507, 1.2261395984392611],
        "q": [1.0, 1.0000000000542735, 1.000000000216422, 1.0000009686741407, 1.0000010245515643,
              1.0000065098397777, 1.0000066825817873, 1.000006857839354, 1.0000070356606987,
              0.9999757292100355, 0.9886609518458982],
        "v": [1.0, 1.0000000002806122, 1.000000001121399, 1.0000055888368182, 1.0000059255424196,
              1.0000427225985187, 1.0000439772368102, 1.0000452554178785, 1.0000465575862534,
              1.0057148050420341, 1.043537531454994],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(bold.get(name)[ROWS, 0], values, rtol=1e-12, err_msg=name)


# -- inputs ---------------------------------------------------------------------------------
def test_default_scale_factor_is_the_size_share(paradigm):
    """Without scale_factor each population weighs size / total size: I_CBF = 10/40 * 0.5
    + 30/40 * 0.2 = 0.275 (hand computation; reference 0.275, section R)."""
    a, b = _regions()
    bold = BoldMonitor([a, b], recorded_variables="I_CBF")
    _protocol(a, b, late=[bold])
    np.testing.assert_allclose(bold.get("I_CBF")[[0, 100, 101], 0], [0.275, 0.275, 0.525], rtol=1e-14)


def test_input_lags_one_step(paradigm):
    """The model reads the populations' values of the previous step: A.I changed before
    step 120 reaches I_CBF at step 121 (row 101), as in the reference (section R)."""
    a, b = _regions()
    bold = BoldMonitor([a, b], recorded_variables="I_CBF")
    _protocol(a, b, late=[bold])
    i_cbf = bold.get("I_CBF")[:, 0]
    assert i_cbf[100] == pytest.approx(0.275) and i_cbf[101] == pytest.approx(0.525)


def test_explicit_scale_factors(paradigm):
    """scale_factor=[2.0, 0.5]: I_CBF = 2 * 0.5 + 0.5 * 0.2 = 1.1, then 2 * 1.5 + 0.1 = 3.1
    (hand computation; reference section R)."""
    a, b = _regions()
    bold = BoldMonitor([a, b], bold_model=balloon_CL, scale_factor=[2.0, 0.5], recorded_variables="I_CBF")
    _protocol(a, b, late=[bold])
    np.testing.assert_allclose(bold.get("I_CBF")[[0, 100, 101, 1099], 0], [1.1, 1.1, 3.1, 3.1], rtol=1e-14)


def test_baseline_normalization(paradigm):
    """normalize_input=50: nothing for the first 50 ms after start(), then the relative
    change from the baseline mean, per population: 0.25 * (1.5 - 0.5) / (0.5 + 1e-7) for A,
    0 for B (hand computation; reference 0.49999990000002054, section R)."""
    a, b = _regions()
    bold = BoldMonitor([a, b], normalize_input=50, recorded_variables="I_CBF")
    _protocol(a, b, late=[bold])
    i_cbf = bold.get("I_CBF")[:, 0]
    np.testing.assert_array_equal(i_cbf[:50], 0.0)
    np.testing.assert_allclose(i_cbf[50:101], 0.0, atol=1e-14)
    np.testing.assert_allclose(i_cbf[101:], 0.25 * 1.0 / (0.5 + 1e-7), rtol=1e-12)


def test_view_and_other_variable(paradigm):
    """A view is recorded as the mean over its neurons, and mapping may name any variable:
    mean of I over ranks 0-3 with I = rank gives 1.5 (hand computation)."""
    neuron = ann.Neuron(parameters="I = 0.0", equations="r = 0.0")
    pop = ann.Population(8, neuron)
    pop.I = np.arange(8.0)
    bold = BoldMonitor(pop[0:4], mapping={"I_CBF": "I"}, recorded_variables="I_CBF", start=True)
    ann.compile()
    ann.simulate(3)
    np.testing.assert_allclose(bold.get("I_CBF")[:, 0], 1.5, rtol=1e-14)


# -- recording ------------------------------------------------------------------------------
def test_recorded_variables_include_the_output_sorted():
    """The outputs are added to recorded_variables and the list is sorted (reference)."""
    pop = _constant_rate(2, 1.0)
    assert BoldMonitor(pop, recorded_variables=["s", "I_CBF"])._recorded_variables == ["BOLD", "I_CBF", "s"]
    assert BoldMonitor(pop, bold_model=balloon_CL)._recorded_variables == ["BOLD"]


def test_nothing_recorded_or_computed_before_start(paradigm):
    """Before start() the model is frozen and nothing is recorded; start() records the
    following steps (one row per step, shape (steps, 1))."""
    bold = BoldMonitor(_constant_rate(2, 1.0), recorded_variables="s")
    ann.compile()
    ann.simulate(10)
    assert bold.s[0] == 0.0
    bold.start()
    ann.simulate(5)
    data = bold.get("s")
    assert data.shape == (5, 1)
    assert data[0, 0] == pytest.approx(1.0 / 1000.0)  # dt * phi * I_CBF / second


def test_stop_freezes_and_discards(paradigm):
    """stop() discards the data not yet read and freezes the model."""
    bold = BoldMonitor(_constant_rate(2, 1.0), recorded_variables="s", start=True)
    ann.compile()
    ann.simulate(5)
    bold.stop()
    frozen = bold.s[0]
    ann.simulate(5)
    assert bold.get("s").size == 0
    assert bold.s[0] == frozen


def test_model_attributes_are_read_and_set_on_the_monitor():
    """``bold.phi`` reads the model's parameter; setting it changes the population's value;
    an unknown name raises AttributeError."""
    bold = BoldMonitor(_constant_rate(2, 1.0))
    assert bold.phi == 1.0
    bold.phi = 0.5
    assert bold.population.phi == 0.5
    with pytest.raises(AttributeError, match="not an attribute"):
        bold.not_a_parameter = 1.0


def test_two_monitors_with_one_model_get_distinct_populations():
    """Two monitors of one model type get distinct population names (the reference
    refuses the second, section R)."""
    pop = _constant_rate(2, 1.0)
    first, second = BoldMonitor(pop), BoldMonitor(pop)
    assert first.population.name == "BOLD model RN"
    assert second.population.name == "BOLD model RN (2)"


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    (dict(mapping={"I_X": "r"}), "not an input"),
    (dict(mapping={"I_CBF": "unknown"}), "not an attribute of population"),
    (dict(scale_factor=[1.0, 2.0]), "2 values for 1 populations"),
    (dict(normalize_input=[-5.0]), "normalize_input"),
    (dict(recorded_variables=["nope"]), "recorded_variables"),
    (dict(bold_model=ann.LeakyIntegrator), "BoldModel"),
])
def test_bad_arguments_leave_the_network_unchanged(kwargs, message):
    """Each bad argument is refused with a message naming it, and adds nothing."""
    pop = _constant_rate(2, 1.0)
    with pytest.raises(NetworkError, match=message):
        BoldMonitor(pop, **kwargs)
    assert ann.populations() == [pop] and ann.projections() == [] and ann.monitors() == []


def test_populations_are_required():
    """populations=None is refused."""
    with pytest.raises(NetworkError, match="populations"):
        BoldMonitor()


def test_predefined_models_declare_inputs_and_output():
    """The predefined models read their inputs and output BOLD (reference names)."""
    assert balloon_RN().inputs == ["I_CBF"] and balloon_RN().output == ["BOLD"]
    assert balloon_two_inputs().inputs == ["I_CBF", "I_CMRO2"]
    assert balloon_RN().name == "BOLD model RN"
