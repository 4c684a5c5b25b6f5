"""Reservoir computing: a chaotic rate network learns to generate a periodic signal (FORCE).

An echo-state-style reservoir (Jaeger 2001) of 200 rate neurons,
``tau * dx/dt + x = sum(rec) + sum(fb)``, ``r = tanh(x)`` (tau = 10 ms), with sparse random
recurrent weights (10 % connectivity, Gaussian) scaled so that their spectral radius is
exactly g = 1.5: the spontaneous activity is chaotic (Sompolinsky et al. 1988). A linear
readout ``z = sum(out)`` is fed back to every reservoir neuron (weights uniform in [-1, 1]).
The readout weights learn online by recursive least squares, as in FORCE learning
(Sussillo & Abbott 2009), written entirely as rate-coded synapses:

* a reservoir -> reservoir projection ``P`` holds the inverse correlation matrix (initially
  the identity); its psp gives each neuron ``k = sum(P) = P r``, and its synapses follow
  ``w -= pre.k * post.k / (1 + N * mean(pre.q))`` with ``q = r * k`` (so the denominator is
  ``1 + r^T P r``);
* the readout synapses follow ``w -= post.e * pre.k / (1 + N * mean(pre.q))``, with
  ``e = z - target`` computed by the readout neuron from a ``TimedArray`` holding the target.

The reservoir neurons keep ``rp``, their rate of the previous step, so that the update uses
the same rates as the readout and ``P`` did (both read the rates one step late).

The target is ``f(t) = 0.6 sin(2 pi t / T) + 0.3 sin(4 pi t / T) + 0.15 sin(6 pi t / T)``,
T = 600 ms. The network runs one period without learning, learns for 12 s, then runs on its
own (learning off) for three periods.

Expected result: the drawn recurrent weights have a spectral radius close to
sqrt(N * 0.1) = 4.5 (the circular law); read back from the projection after scaling it is
1.5. Before training the readout weights are 0 (normalised error
sqrt(mean((z - f)^2) / mean(f^2)) = 1) while the reservoir is chaotic; during the last
training period the error is 0.01 to 0.03; after training the network generates the signal
by itself, with a normalised error of 0.015 to 0.03 over three periods (four seeds).

    python examples/reservoir_computing.py [--duration MS] [--neurons N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np
import scipy.sparse

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.reservoir_computing (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

PERIOD = 600.0  # ms, period of the target
G = 1.5  # spectral radius of the recurrent weights
DENSITY = 0.1  # connection probability of the recurrent weights
TAU = 10.0  # ms
TEST = 3 * PERIOD  # ms of free generation after training
SHOWN = 5  # reservoir neurons whose rates are recorded for the figure


def options(parser):
    parser.add_argument("--neurons", type=int, default=200, help="reservoir neurons (default 200)")


def target(t):
    """The signal to learn at times ``t`` (ms)."""
    phase = 2.0 * np.pi * np.asarray(t, dtype=float) / PERIOD
    return 0.6 * np.sin(phase) + 0.3 * np.sin(2.0 * phase) + 0.15 * np.sin(3.0 * phase)


def recurrent_weights(neurons, rng):
    """(post, pre) sparse Gaussian weights scaled to spectral radius G.

    :returns: (scipy CSR matrix, spectral radius before the scaling).
    """
    w = scipy.sparse.random(neurons, neurons, density=DENSITY, format="lil", random_state=rng,
                            data_rvs=rng.standard_normal)
    w.setdiag(0.0)
    w = w.tocsr()
    w.eliminate_zeros()
    rho = float(np.max(np.abs(np.linalg.eigvals(w.toarray()))))
    return w * (G / rho), rho


def build(neurons, steps, seed=1):
    """Builds the network (not compiled) for ``steps`` steps of target.

    :returns: dict of the populations, projections and monitors, and ``rho_raw`` (spectral
        radius of the random weights before scaling).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    rng = np.random.default_rng(seed)
    reservoir_neuron = ann.Neuron(
        parameters=f"tau = {TAU} : population",
        equations="""
            rp = r
            k = sum(P)
            q = rp * k
            tau * dx/dt + x = sum(rec) + sum(fb)
            r = tanh(x)
        """,
        name="reservoir neuron",
    )
    reservoir = ann.Population(neurons, reservoir_neuron, name="reservoir")
    reservoir.x = rng.normal(0.0, 0.5, neurons)
    readout = ann.Population(1, ann.Neuron(equations="r = sum(out)\ne = r - sum(teacher)", name="readout"),
                             name="readout")
    teacher = ann.TimedArray(rates=target(np.arange(steps))[:, None], name="teacher")

    weights, rho_raw = recurrent_weights(neurons, rng)
    rec = ann.Projection(reservoir, reservoir, "rec")
    rec.connect_from_sparse(weights.T.tocsr())  # connect_from_sparse takes (pre, post)
    fb = ann.Projection(readout, reservoir, "fb")
    fb.connect_all_to_all(weights=ann.Uniform(-1.0, 1.0))
    ann.Projection(teacher, readout, "teacher").connect_one_to_one(weights=1.0)

    n = float(neurons)
    inverse_correlation = ann.Synapse(parameters=f"n = {n} : projection",
                                      equations="w -= pre.k * post.k / (1.0 + n * mean(pre.q))",
                                      name="RLS inverse correlation")
    p_proj = ann.Projection(reservoir, reservoir, "P", synapse=inverse_correlation)
    p_proj.connect_from_matrix(np.eye(neurons))  # explicit zeros are synapses too: a full matrix
    rls = ann.Synapse(parameters=f"n = {n} : projection",
                      equations="w -= post.e * pre.k / (1.0 + n * mean(pre.q))",
                      name="RLS readout")
    out = ann.Projection(reservoir, readout, "out", synapse=rls)
    out.connect_all_to_all(weights=0.0)
    return {"reservoir": reservoir, "readout": readout, "rec": rec, "P": p_proj, "out": out,
            "monitor": ann.Monitor(readout, ["r", "e"]), "activity": ann.Monitor(reservoir[:SHOWN], "r"),
            "rho_raw": rho_raw}


def run(duration, neurons, seed=1):
    """Spontaneous period, training for ``duration`` ms, then free generation.

    :returns: dict with ``z`` (readout after each step), ``f`` (the target each entry of z is
        compared with), ``activity`` (rates of the first reservoir neurons), the phase
        boundaries (steps) and the spectral radii.
    """
    steps = int(PERIOD + duration + TEST)
    net = build(neurons, steps + 1, seed)
    ann.compile()
    rho = float(np.max(np.abs(np.linalg.eigvals(net["rec"].connectivity_matrix()))))
    learning = (net["P"], net["out"])
    for proj in learning:
        proj.disable_learning()
    ann.simulate(PERIOD)
    for proj in learning:
        proj.enable_learning()
    ann.simulate(duration)
    for proj in learning:
        proj.disable_learning()
    ann.simulate(TEST)
    z = net["monitor"].get("r")[:, 0]
    activity = net["activity"].get("r")
    # z after step k is w . r(after step k-1): its target is the teacher's row k-1
    f = np.concatenate([[0.0], target(np.arange(z.size - 1))])
    return {"z": z, "f": f, "activity": activity, "phases": (int(PERIOD), int(PERIOD + duration)),
            "rho_raw": net["rho_raw"], "rho": rho}


def nrmse(z, f):
    """Normalised error sqrt(mean((z - f)^2) / mean(f^2))."""
    return float(np.sqrt(np.mean((z - f) ** 2) / np.mean(f ** 2)))


def key_figures(data):
    z, f = data["z"], data["f"]
    start, stop = data["phases"]
    period = int(PERIOD)
    return {
        "error_before": nrmse(z[1:start], f[1:start]),
        "error_training": nrmse(z[stop - period:stop], f[stop - period:stop]),
        "error_after": nrmse(z[stop:], f[stop:]),
        "spectral_radius_raw": data["rho_raw"],
        "spectral_radius": data["rho"],
    }


def plot(data, figures, outdir):
    z, f = data["z"], data["f"]
    start, stop = data["phases"]
    t = np.arange(z.size) / 1000.0  # s
    plt = pyplot()
    fig = plt.figure(figsize=(14, 6.5), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    top = fig.add_subplot(grid[0, :])
    top.plot(t, f, "k", lw=1, label="target")
    top.plot(t, z, "C3", lw=0.8, label="readout z")
    for x in (start, stop):
        top.axvline(x / 1000.0, color="0.5", ls="--")
    top.text(start / 2000.0, 1.2, "before", ha="center")
    top.text((start + stop) / 2000.0, 1.2, "learning (FORCE / RLS)", ha="center")
    top.text((stop + z.size) / 2000.0, 1.2, "after: learning off", ha="center")
    top.set_ylim(-1.5, 1.5)
    top.set_xlabel("time (s)")
    top.set_ylabel("signal")
    top.legend(loc="lower right", ncol=2)
    top.set_title(f"reservoir of spectral radius {figures['spectral_radius']:.3f} "
                  f"(random weights: {figures['spectral_radius_raw']:.3f}, scaled)")
    windows = ((0, start, "before training", figures["error_before"]),
               (stop - start, stop, "last period of training", figures["error_training"]),
               (stop, z.size, "after training", figures["error_after"]))
    activity = data["activity"]
    for i, (a, b, label, err) in enumerate(windows):
        ax = fig.add_subplot(grid[1, i])
        ax.plot(t[a:b], activity[a:b], color="0.75", lw=0.8)
        ax.plot([], [], color="0.75", label=f"rates of {activity.shape[1]} reservoir neurons")
        ax.plot(t[a:b], f[a:b], "k", lw=1.5, label="target")
        ax.plot(t[a:b], z[a:b], "C3", lw=1, label="readout z")
        ax.set_xlabel("time (s)")
        ax.set_title(f"{label}: normalised error {err:.3f}")
        ax.set_ylim(-1.05, 1.05)
        if i == 0:
            ax.legend(loc="lower left", fontsize=8)
    save_figure(fig, "reservoir_computing.png", outdir)


def main(argv=None):
    """Runs the example; returns the key figures (normalised errors, spectral radii)."""
    args = parse_args(__doc__, argv, duration=12000.0, extra=options)
    data = run(args.duration, args.neurons)
    figures = key_figures(data)
    print(f"spectral radius of the recurrent weights: {figures['spectral_radius_raw']:.3f} drawn, "
          f"{figures['spectral_radius']:.6f} after scaling (target {G})")
    print(f"normalised error: before training {figures['error_before']:.3f}, last training period "
          f"{figures['error_training']:.4f}, after training (free run, {TEST:.0f} ms) "
          f"{figures['error_after']:.4f}")
    plot(data, figures, args.outdir)
    return figures


if __name__ == "__main__":
    main()
