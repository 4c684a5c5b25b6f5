"""examples/oja.py, run for 8 s of model time (4000 learning updates) with its figure in a
temporary folder."""

import math

from examples import oja


def test_oja_converges_to_the_first_principal_component_with_unit_norm(tmp_path):
    """Oja's rule with a constant rate eta_s = 1e-3 per update (analytic, linearised around the
    fixed point w = e1):
    - the angle a to e1 is an AR(1) process a' = (1 - eta_s (l1 - l2)) a + eta_s y x2 with noise
      variance eta_s^2 l1 l2, so its stationary sd is sqrt(eta_s l1 l2 / (2 (l1 - l2))) (1.5 deg
      for l1 = 4, l2 = 1); a Gaussian stays below 4 sd with probability 1 - 6e-5;
    - the mean of w over the second half (n = 2000 updates, correlation time
      tau_c = 1 / (eta_s (l1 - l2)) = 333 updates) has an sd smaller by sqrt(2 tau_c / n);
    - |w|^2 settles at 1 + eta_s l2 / 2 (the expected drift 2 eta_s l1 (1 - |w|^2) balances the
      second-order term eta_s^2 E[y^2 |x - y w|^2] = eta_s^2 l1 l2), i.e. |w| = 1 + eta_s l2 / 4;
      its fluctuations are second order in the angle, 3e-5 to 4e-5 (sd over time, six seeds of
      the 40 s run), so the mean over the second half is within 1e-4 of it.
    The reference runs the same script to the same figures (docs/reference_facts.md V3)."""
    figures = oja.main(["--duration", "8000", "--outdir", str(tmp_path)])
    l1, l2 = figures["l1"], figures["l2"]
    eta_s = oja.ETA * oja.HOLD
    sd = math.degrees(math.sqrt(eta_s * l1 * l2 / (2 * (l1 - l2))))
    assert math.isclose(figures["angle_sd_expected_deg"], sd)
    assert figures["angle_deg"] < 4 * sd
    tau_c = 1.0 / (eta_s * (l1 - l2))
    assert figures["angle_mean_deg"] < 4 * sd * math.sqrt(2 * tau_c / 2000)
    assert abs(figures["norm_mean"] - (1 + eta_s * l2 / 4)) < 1e-4
    assert (tmp_path / "oja.png").stat().st_size > 0
