"""examples/reservoir_computing.py: its learning synapses against recursive least squares
computed by hand, and a short FORCE run with its figure in a temporary folder."""

import numpy as np

import annarray as ann
from examples import reservoir_computing


def test_reservoir_synapses_implement_recursive_least_squares():
    """Hand computation (NumPy) of RLS / FORCE (Sussillo & Abbott 2009) on the recorded rates:
    at step s, with r = the reservoir rates after step s-1 (0 before the first step),
    z = w . r, e = z - f(s-1), k = P r, c = 1 + r . k, then P -= k k^T / c and w -= e k / c.
    The synapses read pre.k / post.k (the same step's sum(P)), mean(pre.q) (the same step's
    global mean) and post.e, so they must reproduce it to rounding."""
    neurons, steps = 20, 30
    net = reservoir_computing.build(neurons, steps + 1)
    rates = ann.Monitor(net["reservoir"], "r")
    ann.compile()
    ann.simulate(steps)
    r_after = rates.get("r")
    z = net["monitor"].get("r")[:, 0]
    f = reservoir_computing.target(np.arange(steps))
    p_matrix, w = np.eye(neurons), np.zeros(neurons)
    for s in range(steps):
        r = r_after[s - 1] if s > 0 else np.zeros(neurons)
        assert abs(z[s] - w @ r) < 1e-12
        e = w @ r - (f[s - 1] if s > 0 else 0.0)
        k = p_matrix @ r
        c = 1.0 + r @ k
        p_matrix = p_matrix - np.outer(k, k) / c
        w = w - e * k / c
    np.testing.assert_allclose(net["P"].connectivity_matrix(), p_matrix, rtol=0, atol=1e-12)
    np.testing.assert_allclose(net["out"].connectivity_matrix()[0], w, rtol=0, atol=1e-12)


def test_reservoir_learns_to_generate_the_target(tmp_path):
    """FORCE run with 200 neurons and 6 s of learning (10 target periods), seed 1.
    - spectral radius read back from the projection: 1.5, the value the weights were scaled to
      (analytic; eigenvalues of connectivity_matrix());
    - drawn spectral radius: sqrt(N p) sigma = sqrt(200 * 0.1) = 4.47 by the circular law
      (Girko 1984) for i.i.d. entries of variance p; at N = 200 the edge fluctuates by a few
      percent (4.57 to 4.69 measured for seeds 1 to 4), so within 10 %;
    - before learning the readout weights are 0, so z = 0 and the normalised error is exactly 1;
    - after learning: the same script and seed on the reference (docs/reference_facts.md V5)
      gave normalised errors of 0.020 (last training period) and 0.086 (free run, 1.8 s);
      annarray over seeds 1 to 4 gave 0.020-0.098 and 0.086-1.03 (one of four seeds fails to
      stay on the target once learning stops), so the test checks that this seed, like on the
      reference, generates the target within 0.15 by itself, against 1.0 before learning."""
    figures = reservoir_computing.main(["--duration", "6000", "--neurons", "200", "--outdir", str(tmp_path)])
    assert abs(figures["spectral_radius"] - 1.5) < 1e-9
    assert abs(figures["spectral_radius_raw"] / np.sqrt(200 * 0.1) - 1.0) < 0.1
    assert figures["error_before"] == 1.0
    assert figures["error_training"] < 0.05
    assert figures["error_after"] < 0.15
    assert (tmp_path / "reservoir_computing.png").stat().st_size > 0
