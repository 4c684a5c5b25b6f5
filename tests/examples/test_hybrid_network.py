"""examples/hybrid_network.py with 200 neurons for 1 s: rate -> Poisson spikes -> rate."""

import numpy as np

from examples import hybrid_network


def test_expected_decoding_is_the_delayed_moving_average():
    """Hand computation of the chain: the decoder at step t counts the relay spikes of steps
    t - 50 .. t - 1, each drawn with p = 100 r(s) dt / 1000 from the signal two steps
    earlier; so the mean decoded r is the mean of r over the signal steps t - 52 .. t - 3
    and its variance sum p (1 - p) * (1000 / (50 * 100))^2."""
    mean, var = hybrid_network.expected_decoding(300.0)
    t = 120
    s = np.arange(t - 52, t - 2) * 1.0
    assert abs(mean[t] - hybrid_network.signal(s).mean()) < 1e-12
    p = 0.1 * hybrid_network.signal(s)
    assert abs(var[t] - np.sum(p * (1 - p)) / 25.0) < 1e-12
    assert mean[2] == 0.0 and mean[3] > 0.0  # the first spike can be counted at step 3


def test_hybrid_decoding_has_poisson_statistics(tmp_path):
    """Source: the decoded rate of a neuron in a window is a sum of independent Bernoulli
    draws (hand computation above). Over non-overlapping windows, the z-score of the summed
    error (s.d. from the variances) and, for single neurons and for the population mean,
    those of the summed squared error (s.d. from the cumulants, kappa4 + 2 sigma^4) are
    close to standard normal: |z| < 4 fails with probability ~1e-4 for a correct simulator."""
    figures = hybrid_network.main(["--duration", "1000", "--neurons", "200", "--outdir", str(tmp_path)])
    assert (tmp_path / "hybrid_network.png").stat().st_size > 0
    for key in ("bias_z", "error_z", "pop_error_z"):
        assert abs(figures[key]) < 4.0, key
