"""examples/synaptic_transmission.py, run for 40 ms with its figure written to a temporary folder."""

from examples import synaptic_transmission


def test_synaptic_transmission_psps_match_their_analytic_solutions(tmp_path):
    """The three PSPs against their analytic solutions (docstring of the example):

    * traces: rk4 on a linear system with dt/tau <= 0.02 has a local error of about
      (dt/tau)^5/120 = 2.7e-11 of the state (at most 4, the jump of g_exp) per step, so at
      most 400 x 1.1e-10 = 4.3e-8 mV over the 400 steps;
    * peak times: the simulated peak is the 0.1-ms grid point nearest the analytic one, so
      within dt/2 = 0.05 ms (the instantaneous synapse peaks on the grid, at s = dt);
    * amplitudes: a smooth peak sampled at most dt/2 away loses at most
      |v''| (dt/2)^2 / 2 <= 0.0063 x 0.0025 / 2 = 7.9e-6 mV (|v''| at the exponential peak,
      0.0038 mV/ms^2 at the alpha peak; hand computation), plus the trace error.
    """
    figures = synaptic_transmission.main(["--duration", "40", "--outdir", str(tmp_path)])
    for kind in ("inst", "exp", "alpha"):
        assert figures[f"{kind}_max_error"] < 5e-8
        assert abs(figures[f"{kind}_peak_time"] - figures[f"{kind}_peak_time_analytic"]) <= 0.05 + 1e-9
        assert abs(figures[f"{kind}_amplitude"] - figures[f"{kind}_amplitude_analytic"]) < 7.9e-6 + 5e-8
    assert abs(figures["inst_peak_time"] - 0.1) < 1e-9
    assert abs(figures["exp_peak_time_analytic"] - 9.2420) < 1e-4  # 20*5/15 ln 4
    assert (tmp_path / "synaptic_transmission.png").stat().st_size > 0
