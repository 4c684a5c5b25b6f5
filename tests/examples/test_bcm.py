"""examples/bcm.py, run for 16 s of model time with its figure in a temporary folder."""

from examples import bcm


def test_bcm_neurons_become_selective_with_theta_at_its_fixed_point(tmp_path):
    """Averaged BCM rule with theta = <y^2> and two patterns shown half of the time each
    (analytic, see the example's docstring): the selective fixed point has responses (c, 0)
    with c = theta = 1/p = 2, weights (2, 0, 0) or (0, 0, 2), and selectivity 1 - mean/max =
    1 - 1/2 = 0.5. Near it the other response e (the sum of the two weights that x2 reaches)
    decays: on the x2 steps (half of them) each of the two weights changes by
    eta * e * (e - theta) ~ -eta * theta * e, so de/dt = -2 * eta * theta * p * e, a time
    constant of 1 / (2 * 2e-3 * 2 * 0.5) = 250 ms. After the ~10 s of settling seen in the
    example's figure, the remaining 6 s bring e below 1e-4, so the selectivity is 0.5 within
    1e-4. The threshold is a first-order low-pass of y^2, a square wave
    between c^2 and 0 with 10 ms halves: its ripple is ±2 tanh(10 / (2 * 200)) = ±0.05, and c
    is the mean of theta over the steps of the preferred pattern, so both stay within 0.05 of
    the fixed point 2. Each neuron's initial weights are symmetric between x1 and x2, so
    each of the two fixed points is reached by some of the ten neurons (all ten on the same
    one has probability 2 / 2^10). The reference runs the same script to the same figures
    (docs/reference_facts.md V2: 6 neurons prefer x1, 4 prefer x2, theta 1.99922)."""
    figures = bcm.main(["--duration", "16000", "--neurons", "10", "--outdir", str(tmp_path)])
    assert abs(figures["selectivity_mean"] - 0.5) < 1e-4
    assert abs(figures["selectivity_min"] - 0.5) < 1e-4
    assert figures["response_other_max"] < 1e-4
    assert figures["weight_shared_max"] < 1e-4
    assert figures["neurons_x1"] + figures["neurons_x2"] == 10
    assert figures["neurons_x1"] > 0 and figures["neurons_x2"] > 0
    assert abs(figures["response_preferred_mean"] - 2.0) < 0.05
    assert abs(figures["theta_mean"] - figures["theta_expected"]) < 0.05
    assert figures["theta_expected"] == 2.0
    assert (tmp_path / "bcm.png").stat().st_size > 0
