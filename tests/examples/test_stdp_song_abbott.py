"""examples/stdp_song_abbott.py: 20 neurons on the same 1000 inputs for 3 s, seed 42."""

from examples import stdp_song_abbott


def test_stdp_weights_start_to_split_and_depress(tmp_path):
    """The first 3 s of learning against the reference simulator (ANNarchy 4.8.2, the same
    script over 12 seeds, docs/reference_facts.md section T3): mean output rate 41.2 +- 2.0 Hz,
    mean weight change -0.0054 +- 0.0015 g_max (net depression: A- tau- = 1.05 A+ tau+),
    fraction of weights below 0.1 g_max 0.1151 +- 0.0018 (mean +- standard deviation over the
    seeds); each figure within 3 standard deviations. Without plasticity that fraction would
    stay at 0.100 +- 0.0021 (binomial, 20,000 uniform weights), so the check needs the weights
    to move toward the bounds."""
    figures = stdp_song_abbott.main(
        ["--duration", "3000", "--neurons", "20", "--seed", "42", "--outdir", str(tmp_path)]
    )
    assert abs(figures["rate_mean"] - 41.24) < 3 * 1.99
    assert abs(figures["mean_change"] - (-0.00545)) < 3 * 0.00154
    assert abs(figures["low_fraction"] - 0.1151) < 3 * 0.00184
    assert (tmp_path / "stdp_song_abbott.png").stat().st_size > 0
