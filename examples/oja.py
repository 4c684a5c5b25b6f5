"""Oja's rule: one linear neuron finds the first principal component of its inputs.

Two input neurons (a ``TimedArray``) show zero-mean Gaussian samples with covariance
``C = R diag(4, 1) R^T``, ``R`` a rotation by 30 degrees, so the first principal axis points at
30 degrees and the input variances along the two axes are 4 and 1. A linear neuron
``r = sum(exc)`` learns with the built-in ``Oja`` synapse (Oja 1982):
``dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w)``, alpha = 1, eta = 5e-4 per ms.

Each sample is held for 2 ms and learning runs only on the second step of each sample
(``enable_learning(period=2, offset=1)``): the neuron's rate is ``w . x`` of the previous
step, so only then do ``pre.r`` and ``post.r`` belong to the same sample. Each update thus
moves ``w`` by ``eta_s * y * (x - y * w)`` with ``eta_s = 2 * eta = 1e-3``.

Expected result (analytic, for the averaged dynamics; Oja 1982): ``w`` converges to the unit
eigenvector of the largest eigenvalue ``l1`` of the input covariance (computed here with
``numpy.linalg.eigh`` on the samples shown). With a constant rate ``eta_s`` the weight
fluctuates around it: the angle has a standard deviation of
``sqrt(eta_s * l1 * l2 / (2 * (l1 - l2)))`` = 1.5 degrees, and the norm settles at
``|w| = 1 + eta_s * l2 / 4`` = 1.00025 (the second-order drift of the stochastic updates).
The run prints the final angle (2.0 degrees), the angle of the weights averaged over the
second half (0.2 degrees: the average removes most of the fluctuation) and the mean norm
over the second half (1.00025).

    python examples/oja.py [--duration MS] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.oja (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

ETA = 5e-4  # learning rate of the Oja synapse (per ms)
HOLD = 2.0  # ms each sample is shown; learning runs once per sample
VARIANCES = (4.0, 1.0)  # input variances along the principal axes
AXIS_DEG = 30.0  # direction of the first principal axis


def samples(n, seed):
    """(n, 2) Gaussian input samples with the covariance described in the module docstring."""
    a = np.deg2rad(AXIS_DEG)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    cov = rot @ np.diag(VARIANCES) @ rot.T
    return np.random.default_rng(seed).standard_normal((n, 2)) @ np.linalg.cholesky(cov).T


def run(duration, seed=1):
    """Builds and simulates the network.

    :returns: dict with ``x`` (samples, (n, 2)) and ``w`` (weights after each update, (n, 2)).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    x = samples(int(duration / HOLD), seed)
    inputs = ann.TimedArray(rates=x, schedule=HOLD, name="inputs")
    neuron = ann.Neuron(equations="r = sum(exc)", name="linear neuron")
    output = ann.Population(1, neuron, name="output")
    proj = ann.Projection(inputs, output, "exc", synapse=ann.Oja(eta=ETA, alpha=1.0))
    proj.connect_all_to_all(weights=ann.Uniform(0.0, 0.2))
    monitor = ann.Monitor(proj, "w", period=HOLD, period_offset=1.0)
    ann.compile()
    proj.enable_learning(period=HOLD, offset=1.0)
    ann.simulate(x.shape[0] * HOLD)
    w = np.array(monitor.get("w"), dtype=float).reshape(-1, 2)
    return {"x": x, "w": w}


def key_figures(data):
    """Angle (degrees) between w and the first eigenvector, and the norm of w, with their
    analytic expectations (see the module docstring)."""
    x, w = data["x"], data["w"]
    eigval, eigvec = np.linalg.eigh(np.cov(x.T))
    l2, l1 = eigval
    e1 = eigvec[:, -1]
    eta_s = ETA * HOLD

    def angle(v):
        return float(np.degrees(np.arccos(min(1.0, abs(v @ e1) / np.linalg.norm(v)))))

    half = w[w.shape[0] // 2:]
    return {
        "angle_deg": angle(w[-1]),
        "angle_mean_deg": angle(half.mean(axis=0)),
        "angle_sd_expected_deg": float(np.degrees(np.sqrt(eta_s * l1 * l2 / (2.0 * (l1 - l2))))),
        "norm": float(np.linalg.norm(w[-1])),
        "norm_mean": float(np.linalg.norm(half, axis=1).mean()),
        "norm_expected": float(1.0 + eta_s * l2 / 4.0),
        "l1": float(l1),
        "l2": float(l2),
    }


def plot(data, figures, outdir):
    x, w = data["x"], data["w"]
    e1 = np.linalg.eigh(np.cov(x.T))[1][:, -1]
    e1 = e1 * np.sign(e1[0])
    t = (np.arange(w.shape[0]) + 1) * HOLD / 1000.0  # s
    norm = np.linalg.norm(w, axis=1)
    signed = np.degrees(np.arctan2(e1[0] * w[:, 1] - e1[1] * w[:, 0], w @ e1))
    sd = figures["angle_sd_expected_deg"]
    plt = pyplot()
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 4))
    shown = x[:: max(1, x.shape[0] // 2000)]
    ax1.plot(shown[:, 0], shown[:, 1], ".", ms=2, color="0.6", label="input samples")
    ax1.plot([-4 * e1[0], 4 * e1[0]], [-4 * e1[1], 4 * e1[1]], "k--", label="first eigenvector (eigh)")
    circle = np.linspace(0, 2 * np.pi, 200)
    ax1.plot(np.cos(circle), np.sin(circle), "k:", lw=1, label="unit circle")
    ax1.plot(w[:, 0], w[:, 1], "C1", lw=1, label="w during learning")
    ax1.annotate("", xy=(w[-1, 0], w[-1, 1]), xytext=(0, 0),
                 arrowprops={"color": "C3", "width": 1.5, "headwidth": 7})
    ax1.plot([], [], "C3", lw=2, label="final w")
    ax1.set_aspect("equal")
    ax1.set_xlim(-5, 5)
    ax1.set_ylim(-5, 5)
    ax1.set_xlabel("input 1")
    ax1.set_ylabel("input 2")
    ax1.legend(fontsize=8, loc="upper left")
    ax1.set_title("inputs and weight vector")
    ax2.plot(t, signed, lw=0.8)
    ax2.fill_between(t, -sd, sd, color="k", alpha=0.15, label=f"expected ±1 sd ({sd:.1f}°)")
    ax2.axhline(0.0, color="k", lw=0.5)
    ax2.set_ylim(-4 * sd, max(4 * sd, float(signed.max()) + 1.0))
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("signed angle to first eigenvector (degrees)")
    ax2.set_title(f"final angle {figures['angle_deg']:.2f}°")
    ax2.legend()
    ax3.plot(t, norm)
    ax3.axhline(1.0, color="k", ls=":", label="|w| = 1")
    ax3.set_xlabel("time (s)")
    ax3.set_ylabel("|w|")
    ax3.set_title(f"mean |w| over the 2nd half {figures['norm_mean']:.5f}")
    ax3.legend()
    fig.tight_layout()
    save_figure(fig, "oja.png", outdir)


def main(argv=None):
    """Runs the example; returns the key figures (angles in degrees, norms)."""
    args = parse_args(__doc__, argv, duration=40000.0)
    data = run(args.duration)
    figures = key_figures(data)
    print(f"eigenvalues of the input covariance: {figures['l1']:.3f}, {figures['l2']:.3f}")
    print(f"angle between w and the first eigenvector: {figures['angle_deg']:.3f} degrees "
          f"(expected sd {figures['angle_sd_expected_deg']:.3f}); of w averaged over the 2nd half: "
          f"{figures['angle_mean_deg']:.3f} degrees")
    print(f"|w| = {figures['norm']:.5f}, mean over the 2nd half {figures['norm_mean']:.5f} "
          f"(expected {figures['norm_expected']:.5f})")
    plot(data, figures, args.outdir)
    return figures


if __name__ == "__main__":
    main()
