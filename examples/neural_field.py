"""A dynamic neural field keeps a single bump of activity on one of two moving stimuli.

A 2-D rate-coded field (25 x 25 neurons) in the style of Amari (1977) and Rougier & Vitay
(2006): ``tau * du/dt + u = sum(ff) + sum(lat) + h + noise``, ``r = clip(u, 0, 1)``, with
tau = 10 ms, a resting level h = -0.05 and uniform noise of ±0.02. Each field neuron gets
its own input neuron (``connect_one_to_one``) and lateral weights shaped as a difference of
Gaussians (``connect_dog``, local excitation of width 0.1, broad inhibition of width 0.8, in
coordinates normalised to [0, 1]; amplitudes scaled by (20/size)^2 so that the field acts
the same at every size).

The input is an ``InputArray`` that an ``every(5 ms)`` callback refills with two Gaussian
bumps of equal height (width 0.1) on opposite sides of a circle of radius 0.3, turning once
every 2 s, plus uniform noise in [0, 0.05].

Expected result: the lateral inhibition lets one bump of activity win (the noise decides
which stimulus) and the bump then follows that stimulus around the circle: exactly one bump
(connected region above half the maximum) at every sample after 0.5 s, no switch of the
tracked stimulus, and a bump centre (centroid of r) trailing its stimulus by 0.70 cells,
i.e. a lag of 31 ms (about 3 tau) at the stimulus speed of 0.023 cells per ms (the
reference simulator gives the same figures, docs/reference_facts.md V1).

    python examples/neural_field.py [--duration MS] [--size N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np
from scipy import ndimage

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.neural_field (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

LAP = 2000.0  # ms per turn of the stimuli
RADIUS = 0.3  # radius of the stimuli's circle (normalised coordinates)
WIDTH = 0.1  # width (sd) of each stimulus (normalised coordinates)
INPUT_NOISE = 0.05  # amplitude of the uniform noise added to the input
REFRESH = 5.0  # ms between two input updates
RECORD = 10.0  # ms between two recorded samples of the field
SETTLE = 500.0  # ms left to the bump to form before the figures are measured


def options(parser):
    parser.add_argument("--size", type=int, default=25, help="neurons per side of the field (default 25)")


def stimulus_centres(t):
    """(2, 2) normalised coordinates of the two stimuli at time ``t`` (ms)."""
    a = 2.0 * np.pi * t / LAP
    c = np.array([np.cos(a), np.sin(a)]) * RADIUS
    return np.array([0.5 + c, 0.5 - c])


def stimulus(t, grid, rng):
    """(size, size) input at time ``t``: two Gaussian bumps plus uniform noise."""
    x, y = grid
    bumps = sum(np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2.0 * WIDTH ** 2))
                for cx, cy in stimulus_centres(t))
    return bumps + INPUT_NOISE * rng.random(x.shape)


def run(duration, size, seed=1):
    """Builds and simulates the field.

    :returns: dict with ``r`` ((samples, size, size) field rates), ``inputs`` (the same shape)
        and ``t`` ((samples,) ms: the input of sample k was set at t[k]).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    rng = np.random.default_rng(seed)
    scale = (20.0 / size) ** 2
    neuron = ann.Neuron(
        parameters="""
            tau = 10.0 : population
            h = -0.05 : population
            noise = 0.02 : population
        """,
        equations="""
            tau * du/dt + u = sum(ff) + sum(lat) + h + noise * Uniform(-1.0, 1.0)
            r = clip(u, 0.0, 1.0)
        """,
        name="field neuron",
    )
    inputs = ann.InputArray((size, size), name="input")
    field = ann.Population((size, size), neuron, name="field")
    ff = ann.Projection(inputs, field, "ff")
    ff.connect_one_to_one(weights=1.0)
    lateral = ann.Projection(field, field, "lat")
    lateral.connect_dog(amp_pos=0.25 * scale, sigma_pos=0.1, amp_neg=0.12 * scale, sigma_neg=0.8, limit=0.1)
    grid = np.meshgrid(np.linspace(0.0, 1.0, size), np.linspace(0.0, 1.0, size), indexing="ij")

    @ann.every(period=REFRESH)
    def move_stimuli(n):
        inputs.r = stimulus(ann.get_time(), grid, rng)

    m_field = ann.Monitor(field, "r", period=RECORD)
    m_input = ann.Monitor(inputs, "r", period=RECORD)
    ann.compile()
    ann.simulate(duration)
    r = m_field.get("r").reshape(-1, size, size)
    # sample k is recorded after the step at t = k * RECORD, which used the input set at that time
    return {"r": r, "inputs": m_input.get("r").reshape(-1, size, size),
            "t": np.arange(r.shape[0]) * RECORD, "grid": grid}


def bump_analysis(r, t, grid):
    """Per sample: number of bumps, centre (normalised coordinates), index of the nearest
    stimulus and the distance to it (in cells)."""
    size = r.shape[1]
    counts, centres, nearest, errors = [], [], [], []
    for rk, tk in zip(r, t, strict=True):
        peak = rk.max()
        counts.append(ndimage.label(rk > 0.5 * peak)[1] if peak > 0.1 else 0)
        total = rk.sum()
        c = np.array([(rk * g).sum() / total for g in grid]) if total > 0 else np.full(2, np.nan)
        d = np.linalg.norm(stimulus_centres(tk) - c, axis=1) * (size - 1)
        centres.append(c)
        nearest.append(int(np.argmin(d)) if total > 0 else -1)
        errors.append(float(d.min()) if total > 0 else np.nan)
    return np.array(counts), np.array(centres), np.array(nearest), np.array(errors)


def key_figures(data):
    r, t = data["r"], data["t"]
    counts, _, nearest, errors = bump_analysis(r, t, data["grid"])
    late = t >= SETTLE
    speed = 2.0 * np.pi * RADIUS * (r.shape[1] - 1) / LAP  # cells per ms
    tracked = nearest[late]
    error = float(np.mean(errors[late]))
    return {
        "single_bump_fraction": float(np.mean(counts[late] == 1)),
        "max_bumps": int(counts[late].max()),
        "tracking_error_cells": error,
        "tracking_error_max_cells": float(np.max(errors[late])),
        "lag_ms": error / speed,
        "switches": int(np.count_nonzero(np.diff(tracked))),
        "tracked_stimulus": int(np.bincount(tracked, minlength=2).argmax()),
        "peak_rate": float(r[late].max(axis=(1, 2)).mean()),
    }


def plot(data, figures, outdir):
    r, inputs, t, grid = data["r"], data["inputs"], data["t"], data["grid"]
    size = r.shape[1]
    counts, centres, _, errors = bump_analysis(r, t, grid)
    duration = t[-1] + RECORD
    wanted = np.round(np.linspace(SETTLE, t[-1], 4), -2)  # four times after the bump formed
    shown = [int(np.argmin(np.abs(t - w))) for w in wanted]
    plt = pyplot()
    fig, axes = plt.subplots(2, 5, figsize=(15, 6), layout="constrained")
    to_cells = size - 1
    for col, k in enumerate(shown):
        stim = stimulus_centres(t[k]) * to_cells
        for row, (image, label) in enumerate(((inputs[k], "input"), (r[k], "field r"))):
            ax = axes[row, col]
            im = ax.imshow(image.T, origin="lower", cmap="viridis", vmin=0.0, vmax=1.0)
            ax.plot(stim[:, 0], stim[:, 1], "w+", ms=10, mew=2)
            if row == 1 and counts[k] > 0:
                ax.plot(centres[k, 0] * to_cells, centres[k, 1] * to_cells, "rx", ms=9, mew=2)
            ax.set_title(f"{label}, t = {t[k]:.0f} ms")
            ax.set_xticks([])
            ax.set_yticks([])
    fig.colorbar(im, ax=axes[:, 3], shrink=0.8, label="rate (white +: stimuli, red x: bump centre)")
    late = t >= SETTLE
    ax = axes[0, 4]
    circle = np.array([stimulus_centres(s)[0] for s in np.linspace(0.0, LAP, 200)]) * to_cells
    ax.plot(circle[:, 0], circle[:, 1], "k:", lw=1.5, zorder=3, label="stimulus path")
    ax.plot(centres[late, 0] * to_cells, centres[late, 1] * to_cells, "r.", ms=3, label="bump centre")
    ax.set_xlim(0, to_cells)
    ax.set_ylim(0, to_cells)
    ax.set_aspect("equal")
    ax.set_title("bump centre (cells)")
    ax.legend(fontsize=8, loc="center")
    ax = axes[1, 4]
    ax.plot(t, errors, label="distance to nearest stimulus")
    ax.plot(t, counts, "k", lw=1, drawstyle="steps-post", label="number of bumps")
    ax.axvline(SETTLE, color="0.6", ls="--")
    ax.set_xlim(0, duration)
    ax.set_ylim(0, max(3.0, float(np.nanmax(errors[late])) + 0.5))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("cells / count")
    ax.set_title(f"tracking error {figures['tracking_error_cells']:.2f} cells")
    ax.legend(fontsize=8, loc="upper right")
    save_figure(fig, "neural_field.png", outdir)


def main(argv=None):
    """Runs the example; returns the key figures (bump count, tracking error in cells, lag)."""
    args = parse_args(__doc__, argv, duration=4000.0, extra=options)
    data = run(args.duration, args.size)
    figures = key_figures(data)
    print(f"after {SETTLE:.0f} ms: a single bump in {100 * figures['single_bump_fraction']:.1f} % "
          "of the samples "
          f"(at most {figures['max_bumps']}), tracking stimulus {figures['tracked_stimulus']} "
          f"with {figures['switches']} switches")
    print(f"tracking error: mean {figures['tracking_error_cells']:.3f} cells, max "
          f"{figures['tracking_error_max_cells']:.3f} cells, i.e. a lag of {figures['lag_ms']:.1f} ms")
    plot(data, figures, args.outdir)
    return figures


if __name__ == "__main__":
    main()
