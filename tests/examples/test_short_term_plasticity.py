"""examples/short_term_plasticity.py, 40 spikes at 20 Hz, figure in a temporary folder."""

from examples import short_term_plasticity as stp


def test_short_term_plasticity_follows_the_tsodyks_markram_recursion(tmp_path):
    """Every efficacy u x equals the hand-computed recursion of the event-driven model (jump,
    then exact relaxation over T - dt = 49.9 ms, the reference's timing measured in
    docs/reference_facts.md section T) up to rounding (1e-12). The last/first ratio then
    approaches the steady state u* x* / U: after 39 intervals the recursion is 1.2e-12 (depressing,
    contraction 0.47 per spike) and 0.075 % (facilitating, contraction 0.86 per spike) away
    from it (hand computation), so the ratios lie within 1e-9 and 0.1 % of it."""
    figures = stp.main(["--rate", "20", "--spikes", "40", "--outdir", str(tmp_path)])
    assert figures["depressing_max_error"] < 1e-12
    assert figures["facilitating_max_error"] < 1e-12
    assert abs(figures["depressing_ratio"] / figures["depressing_steady_state"] - 1.0) < 1e-9
    assert abs(figures["facilitating_ratio"] / figures["facilitating_steady_state"] - 1.0) < 1e-3
    # u* x* / U with T - dt = 49.9 ms (hand computation)
    assert abs(figures["depressing_steady_state"] - 0.11404) < 1e-5
    assert abs(figures["facilitating_steady_state"] - 3.3518) < 1e-4
    assert (tmp_path / "short_term_plasticity.png").stat().st_size > 0


def test_steady_state_is_the_fixed_point_of_the_recursion():
    """Hand computation: iterating the u/x recursion 500 times lands on the closed-form
    steady state (the example's formula) for both synapse types."""
    for U, tau_rec, tau_facil, _ in stp.SYNAPSES.values():
        u, x = stp.steady_state(U, tau_rec, tau_facil, 49.9)
        assert abs(stp.recursion(U, tau_rec, tau_facil, 49.9, 500)[-1] - u * x) < 1e-12
