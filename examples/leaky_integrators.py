"""Leaky integrators driven by a step input: every numerical method against the exact solution.

Five populations of ``tau * dv/dt + v = I`` (tau = 10 ms, dt = 1 ms) are integrated with
the explicit, midpoint, rk4, implicit and exponential methods, plus one noisy population of
the built-in ``LeakyIntegrator``. The input steps from 0 to 1 at t = 20 ms. The script prints
the maximal error of each method against ``1 - exp(-(t - 20)/tau)`` and writes
``leaky_integrators.png`` next to itself.

Expected result: errors ordered explicit ≈ implicit (first order, ~2e-2) > midpoint
(~1e-3) > rk4 (~1e-6); exponential is exact for this equation (~1e-15).

    python examples/leaky_integrators.py [--duration MS] [--outdir DIR] [-j N]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.leaky_integrators (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

METHODS = ("explicit", "midpoint", "rk4", "implicit", "exponential")


def build(duration):
    ann.clear()
    ann.setup(dt=1.0, seed=1)
    pops = {}
    for method in METHODS:
        neuron = ann.Neuron(
            parameters="tau = 10.0 : population\nI = 0.0 : population",
            equations=f"tau * dv/dt + v = I : {method}\nr = v",
            name=f"leaky-{method}",
        )
        pops[method] = ann.Population(100, neuron, name=method)
    noisy = ann.Population(100, ann.LeakyIntegrator(noise="Normal(0.0, 0.3)"), name="noisy")
    monitors = {m: ann.Monitor(p[0], "v") for m, p in pops.items()}
    monitors["noisy"] = ann.Monitor(noisy, "r")
    ann.compile()
    ann.simulate(20.0)
    for p in pops.values():
        p.I = 1.0
    noisy.B = 1.0
    ann.simulate(duration - 20.0)
    return {name: m.get() for name, m in monitors.items()}


def main(argv=None):
    """Runs the example; returns the key figures (max error per method, noisy mean rate)."""
    args = parse_args(__doc__, argv, duration=100.0)
    data = build(args.duration)
    t = np.arange(1, int(args.duration) + 1) * 1.0  # the values recorded after each step
    exact = np.where(t > 20.0, 1.0 - np.exp(-(t - 20.0) / 10.0), 0.0)
    figures = {}
    print(f"{'method':12s} max |v - exact|")
    for method in METHODS:
        figures[method] = float(np.max(np.abs(data[method]["v"][:, 0] - exact)))
        print(f"{method:12s} {figures[method]:.3e}")
    r = data["noisy"]["r"]
    figures["noisy_mean"] = float(r[-20:].mean())
    print(f"noisy LeakyIntegrator: mean rate over the last 20 ms = {figures['noisy_mean']:.3f} (expected ~1.0)")

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(t, exact, "k-", lw=3, alpha=0.3, label="exact")
    for method in METHODS:
        ax1.plot(t, data[method]["v"][:, 0], label=method)
    ax1.set_xlabel("time (ms)")
    ax1.set_ylabel("v")
    ax1.legend()
    ax2.plot(t, r[:, :5])
    ax2.plot(t, r.mean(axis=1), "k", lw=2, label="population mean")
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("r (noisy LeakyIntegrator)")
    ax2.legend()
    fig.tight_layout()
    save_figure(fig, "leaky_integrators.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
