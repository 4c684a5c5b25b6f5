"""examples/gap_junctions.py with 4 HH neurons per group for 200 ms."""

import math

import numpy as np

from examples import gap_junctions as gj


def test_gap_junctions_equalise_and_synchronise(tmp_path):
    """Sources:
    - passive pairs (hand computation): explicit Euler on tau dd/dt = -(1 + 2w) d gives
      d_n = d0 q^n with q = 1 - dt (1 + 2w)/tau, so the log-linear fit returns -ln(q)/dt
      (to rounding) and |error| / d0 stays at rounding level (8000 steps x ~1e-16 x
      |v| / d0 = 6.5 -> < 1e-11); -ln(q)/dt exceeds (1 + 2w)/tau by less than
      dt ((1 + 2w)/tau)^2 (its series: dt r^2 / 2 + dt^2 r^3 / 3 + ...);
    - uncoupled HH neurons (hand computation): identical neurons whose drive starts at the
      first step k with k dt >= t_on fire the same train shifted by k, so the spread of their
      spike times is the s.d. of k dt in every cycle;
    - coupled HH neurons: docs/reference_facts.md section U1 (ANNarchy 4.8.2, identical spike
      steps): spread 0.9058 ms in cycle 1, 0 (all in the same step) from cycle 10 to 13."""
    figures = gj.main(["--duration", "200", "--neurons", "4", "--outdir", str(tmp_path)])
    assert (tmp_path / "gap_junctions.png").stat().st_size > 0
    for w in gj.COUPLINGS:
        r = (1.0 + 2.0 * w) / gj.TAU
        euler = -math.log(1.0 - gj.DT * r) / gj.DT
        assert figures[f"discrete_error_w{w:g}"] < 1e-11
        assert abs(figures[f"rate_w{w:g}"] - euler) < 1e-9
        assert 0.0 < figures[f"rate_w{w:g}"] - r < gj.DT * r**2

    onset_steps = [next(k for k in range(100000) if k * gj.DT >= t_on) for t_on in gj.onsets(4)]
    spread = float(np.std(np.array(onset_steps) * gj.DT))
    assert abs(figures["uncoupled_spread_first"] - spread) < 1e-9
    assert abs(figures["uncoupled_spread_last"] - spread) < 1e-9

    assert abs(figures["coupled_spread_first"] - 0.9058) < 1e-4
    assert figures["coupled_cycles"] == 13
    assert figures["coupled_spread_last"] == 0.0
