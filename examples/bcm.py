"""The BCM rule with a sliding threshold: neurons become selective to one of two patterns.

Three input neurons (a ``TimedArray``) show two overlapping patterns in turn, each for 10 ms:
``x1 = (1, 1, 0)`` and ``x2 = (0, 1, 1)``. Ten linear neurons ``r = sum(exc)`` receive them
through the built-in ``IBCM`` synapse (Bienenstock, Cooper & Munro 1982, with the sliding
threshold of Intrator & Cooper 1992, theta = <post.r^2>):
``tau * dtheta/dt + theta = post.r^2`` (tau = 200 ms, one theta per neuron) and
``dw/dt = eta * post.r * (post.r - theta) * pre.r`` (eta = 2e-3 per ms, w >= 0). Each neuron
starts from its own random weights (uniform in [0.2, 0.6]).

Expected result (analytic, for the averaged rule): the stable fixed points are selective. A
neuron answers ``c`` to one pattern and 0 to the other; with each pattern shown half of the
time (p = 1/2), stationarity of the weights gives ``c (c - theta) = 0`` and ``theta = p c^2``,
so ``c = theta = 1/p = 2``. The weights go to ``(2, 0, 0)`` (selective to x1) or ``(0, 0, 2)``
(to x2): the input shared by both patterns is pruned. The selectivity index
``1 - mean(responses) / max(responses)`` (Bienenstock et al. 1982) is then 1 - 1/2 = 0.5 for
every neuron. With patterns switching every 10 ms the threshold ripples by
``±2 tanh(10 / (2 tau))`` = ±0.05 around 2. The run prints the mean selectivity (0.5), the
number of neurons selective to each pattern, the response to the preferred pattern (2.00) and
theta averaged over the last second (2.00).

    python examples/bcm.py [--duration MS] [--neurons N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.bcm (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

PATTERNS = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
SHOW = 10.0  # ms each pattern is shown
ETA = 2e-3  # learning rate (per ms)
TAU = 200.0  # time constant of the sliding threshold (ms)
THETA_FIXED_POINT = 1.0 / 0.5  # 1/p, p = probability of the preferred pattern


def options(parser):
    parser.add_argument("--neurons", type=int, default=10, help="number of BCM neurons (default 10)")


def run(duration, neurons, seed=1):
    """Builds and simulates the network.

    :returns: dict with ``w`` ((steps, neurons, 3) weights) and ``theta`` ((steps, neurons)).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    inputs = ann.TimedArray(rates=PATTERNS, schedule=SHOW, period=2 * SHOW, name="inputs")
    neuron = ann.Neuron(equations="r = sum(exc)", name="linear neuron")
    output = ann.Population(neurons, neuron, name="BCM neurons")
    proj = ann.Projection(inputs, output, "exc", synapse=ann.IBCM(eta=ETA, tau=TAU))
    proj.connect_all_to_all(weights=ann.Uniform(0.2, 0.6))
    monitor = ann.Monitor(proj, ["w", "theta"])
    ann.compile()
    ann.simulate(duration)
    rec = monitor.get()
    w = np.array(rec["w"], dtype=float).reshape(-1, neurons, PATTERNS.shape[1])
    theta = np.array(rec["theta"], dtype=float).reshape(-1, neurons)
    return {"w": w, "theta": theta}


def key_figures(data):
    """Selectivity, responses (w . pattern) and the threshold averaged over the last second
    (50 whole cycles of the two patterns)."""
    w, theta = data["w"], data["theta"]
    responses = w[-1] @ PATTERNS.T  # (neurons, patterns)
    selectivity = 1.0 - responses.mean(axis=1) / responses.max(axis=1)
    preferred = responses.argmax(axis=1)
    last = int(min(1000.0, theta.shape[0]) // (2 * SHOW) * 2 * SHOW)  # whole cycles
    return {
        "selectivity_mean": float(selectivity.mean()),
        "selectivity_min": float(selectivity.min()),
        "neurons_x1": int((preferred == 0).sum()),
        "neurons_x2": int((preferred == 1).sum()),
        "response_preferred_mean": float(responses.max(axis=1).mean()),
        "response_other_max": float(responses.min(axis=1).max()),
        "theta_mean": float(theta[-last:].mean()),
        "theta_expected": THETA_FIXED_POINT,
        "weight_shared_max": float(w[-1, :, 1].max()),
    }


def plot(data, figures, outdir):
    w, theta = data["w"], data["theta"]
    t = (np.arange(w.shape[0]) + 1) / 1000.0  # s
    responses = w @ PATTERNS.T  # (steps, neurons, patterns)
    cycle = int(2 * SHOW)  # plot one point per cycle of the two patterns (theta: four)
    plt = pyplot()
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(14, 4.2))
    for i, label in enumerate(("input 1 (x1 only)", "input 2 (shared)", "input 3 (x2 only)")):
        ax1.plot(t[::cycle], w[::cycle, :, i], color=f"C{i}", lw=0.8)
        ax1.plot([], [], color=f"C{i}", label=label)
    ax1.set_xlabel("time (s)")
    ax1.set_ylabel("weight")
    ax1.set_title(f"weights of the {w.shape[1]} neurons")
    ax1.legend()
    ax2.plot(t[::cycle // 4], theta[::cycle // 4], color="C4", lw=0.6)
    ax2.axhline(figures["theta_expected"], color="k", ls="--", label="fixed point 1/p = 2")
    ax2.plot([], [], color="C4", label="theta of each neuron")
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("sliding threshold theta")
    ax2.set_title(f"theta over the last second: {figures['theta_mean']:.3f}")
    ax2.legend(loc="lower right")
    for n in range(w.shape[1]):
        ax3.plot(responses[::cycle, n, 0], responses[::cycle, n, 1], lw=0.8, color="0.5")
        ax3.plot(*responses[0, n], "o", color="0.5", ms=4)
        ax3.plot(*responses[-1, n], "o", color="C3", ms=6)
    ax3.plot([], [], "o", color="0.5", label="start")
    ax3.plot([], [], "o", color="C3", label="end")
    ax3.plot([2, 0], [0, 2], "kx", ms=12, label="selective fixed points")
    ax3.set_xlabel("response to x1 = (1, 1, 0)")
    ax3.set_ylabel("response to x2 = (0, 1, 1)")
    ax3.set_aspect("equal")
    ax3.set_title(f"selectivity {figures['selectivity_mean']:.3f} "
                  f"({figures['neurons_x1']} prefer x1, {figures['neurons_x2']} prefer x2)")
    ax3.legend(loc="center right")
    fig.tight_layout()
    save_figure(fig, "bcm.png", outdir)


def main(argv=None):
    """Runs the example; returns the key figures (selectivity, responses, threshold)."""
    args = parse_args(__doc__, argv, duration=20000.0, extra=options)
    data = run(args.duration, args.neurons)
    figures = key_figures(data)
    print(f"selectivity 1 - mean/max: mean {figures['selectivity_mean']:.4f}, "
          f"min {figures['selectivity_min']:.4f} "
          "(expected 0.5)")
    print(f"neurons selective to x1: {figures['neurons_x1']}, to x2: {figures['neurons_x2']}")
    print(f"response to the preferred pattern {figures['response_preferred_mean']:.4f} (expected 2), "
          f"largest response to the other {figures['response_other_max']:.2e} (expected 0)")
    print(f"theta over the last second {figures['theta_mean']:.4f} (fixed point {figures['theta_expected']})")
    plot(data, figures, args.outdir)
    return figures


if __name__ == "__main__":
    main()
