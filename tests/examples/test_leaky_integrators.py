"""examples/leaky_integrators.py, run for 100 ms with its figure written to a temporary folder."""

from examples import leaky_integrators


def test_leaky_integrators_orders_the_methods_by_their_error(tmp_path):
    """Errors against the exact solution 1 - exp(-(t - 20)/10) (analytic): first-order
    methods ~2e-2, midpoint ~1e-3, rk4 ~1e-6, and the exponential method exact."""
    figures = leaky_integrators.main(["--duration", "100", "--outdir", str(tmp_path)])
    assert 1e-2 < figures["explicit"] < 5e-2
    assert 1e-2 < figures["implicit"] < 5e-2
    assert 1e-4 < figures["midpoint"] < 5e-3
    assert figures["rk4"] < 1e-5
    assert figures["exponential"] < 1e-12
    assert (tmp_path / "leaky_integrators.png").stat().st_size > 0
