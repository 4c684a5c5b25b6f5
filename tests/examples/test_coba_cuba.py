"""examples/coba_cuba.py: both networks at full size (4000 neurons) for 500 ms, seed 42."""

from examples import coba_cuba


def test_coba_cuba_rates_and_irregularity_match_the_reference(tmp_path):
    """Mean rates and mean CVs of the ISIs after 500 ms against the reference simulator
    (ANNarchy 4.8.2, the same networks over 20 seeds: docs/reference_facts.md section T1):
    COBA 20.30 +- 1.01 Hz, CV 1.287 +- 0.027; CUBA 5.615 +- 0.184 Hz, CV 0.419 +- 0.009
    (mean +- standard deviation over the seeds). One seed is one draw from that spread, so
    each figure must lie within 3 standard deviations of the reference's mean."""
    figures = coba_cuba.main(["--duration", "500", "--seed", "42", "--outdir", str(tmp_path)])
    assert abs(figures["coba_rate"] - 20.299) < 3 * 1.009
    assert abs(figures["coba_cv"] - 1.2867) < 3 * 0.0270
    assert abs(figures["cuba_rate"] - 5.615) < 3 * 0.184
    assert abs(figures["cuba_cv"] - 0.4187) < 3 * 0.0090
    assert (tmp_path / "coba_cuba.png").stat().st_size > 0
