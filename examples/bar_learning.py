"""Bar learning: Hebbian and anti-Hebbian rate-coded learning finds the bars that make up
the inputs (Foldiak 1990).

An 8 x 8 input (a ``TimedArray``) shows a new image every 20 ms: each of the 16 possible bars
(8 horizontal, 8 vertical) is drawn independently with probability p = 1/8, so an image
holds two bars on average, often crossing. Sixteen output neurons,
``tau * dv/dt + v = sum(exc) - sum(inh) - theta``, ``r = clip(10 v, 0, 1)`` (tau = 5 ms),
adapt a threshold ``theta`` to fire with probability p (``tau_theta * dtheta/dt = r - p``).
Two plastic projections (the rule of Foldiak 1990 written as rate-coded synapses):

* input -> output, ``exc``: the built-in ``Oja`` synapse (Hebbian growth, Oja's decay
  ``post.r^2 * w``; for an output near 0 or 1 this is Foldiak's ``y (x - w)``);
* output -> output, ``inh``: anti-Hebbian inhibition ``dw/dt = eta * (pre.r * post.r - p^2)``,
  ``w >= 0``, which grows between two outputs that fire together more often than p^2.

Learning runs once per image, on its last step, when the rates have settled
(``enable_learning(period=20, offset=19)``), with rates per image of 0.02 (feedforward),
0.1 (lateral: faster than the feedforward learning, as in Foldiak 1990) and 0.02 (threshold).

After training, learning is switched off and each of the 16 bars is shown alone. An output
is selective when it answers (r > 0.5) to exactly one bar.

Expected result (Foldiak 1990: every output becomes the detector of a different bar): 16
selective outputs covering the 16 bars after 3000 images. For an output that is 1 when its
bar is present and 0 otherwise, the feedforward rule ``y (x - w)`` makes the weights the mean
input given that bar: 1 on the bar, and 1 - (1 - p)^2 = 0.234 on every other pixel (it is on
when its row or its column bar is drawn). The run prints the mean weights on and off the
preferred bar (0.99 and 0.24).

    python examples/bar_learning.py [--images N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.bar_learning (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

SIDE = 8  # the input is SIDE x SIDE, with 2 * SIDE possible bars
P = 1.0 / SIDE  # probability of each bar, and target firing probability of each output
SHOW = 20.0  # ms per image
RATES = {"feedforward": 0.02, "lateral": 0.1, "threshold": 0.02}  # learning rates per image


def options(parser):
    parser.add_argument("--images", type=int, default=3000, help="number of training images (default 3000)")
    parser.add_argument("--outputs", type=int, default=2 * SIDE, help="number of output neurons (default 16)")


def single_bars():
    """(2 * SIDE, SIDE, SIDE) images of each bar alone: horizontal bars (rows) first."""
    bars = np.zeros((2 * SIDE, SIDE, SIDE))
    for i in range(SIDE):
        bars[i, i, :] = 1.0
        bars[SIDE + i, :, i] = 1.0
    return bars


def random_images(n, rng):
    """(n, SIDE, SIDE) images, each bar present with probability P."""
    present = rng.random((n, 2 * SIDE)) < P
    return np.minimum(np.einsum("nb,bij->nij", present.astype(float), single_bars()), 1.0)


def run(images, outputs, seed=1):
    """Trains on ``images`` random images, then shows each bar alone with learning off.

    :returns: dict with ``w`` ((outputs, SIDE*SIDE) feedforward weights), ``responses``
        ((2*SIDE, outputs) settled rates for each single bar) and ``rates``
        ((images, outputs) settled rates during training).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    rng = np.random.default_rng(seed)
    sequence = np.concatenate([random_images(images, rng), single_bars()])
    inputs = ann.TimedArray(rates=sequence, schedule=SHOW, name="input")
    neuron = ann.Neuron(
        parameters=f"""
            tau = 5.0 : population
            tau_theta = {SHOW / RATES['threshold']} : population
            p = {P} : population
        """,
        equations="""
            tau * dv/dt + v = sum(exc) - sum(inh) - theta
            tau_theta * dtheta/dt = r - p
            r = clip(10.0 * v, 0.0, 1.0)
        """,
        name="output neuron",
    )
    output = ann.Population(outputs, neuron, name="output")
    ff = ann.Projection(inputs, output, "exc", synapse=ann.Oja(eta=RATES["feedforward"] / SHOW, alpha=1.0))
    ff.connect_all_to_all(weights=ann.Uniform(0.0, 0.25))
    anti_hebbian = ann.Synapse(
        parameters=f"""
            eta = {RATES['lateral'] / SHOW} : projection
            p = {P} : projection
        """,
        equations="dw/dt = eta * (pre.r * post.r - p * p) : min=0.0",
        name="anti-Hebbian",
    )
    lateral = ann.Projection(output, output, "inh", synapse=anti_hebbian)
    lateral.connect_all_to_all(weights=0.0)
    settled = ann.Monitor(output, "r", period=SHOW, period_offset=SHOW - 1.0)
    ann.compile()
    for proj in (ff, lateral):  # learn on the last step of each image, once the rates settled
        proj.enable_learning(period=SHOW, offset=SHOW - 1.0)
    ann.simulate(images * SHOW)
    ann.disable_learning()
    output.tau_theta = 1e12  # freeze the thresholds while testing
    ann.simulate(2 * SIDE * SHOW)
    rates = settled.get("r")
    return {"w": np.array(ff.connectivity_matrix()), "responses": rates[-2 * SIDE:],
            "rates": rates[:-2 * SIDE], "examples": sequence[:8]}


def key_figures(data):
    """Selective outputs (answer r > 0.5 to exactly one bar) and the distinct bars they cover."""
    active = data["responses"] > 0.5  # (bars, outputs)
    selective = active.sum(axis=0) == 1
    preferred = np.argmax(active, axis=0)
    rates = data["rates"]
    last = rates[-min(500, rates.shape[0]):]
    preferred_bar = single_bars().reshape(2 * SIDE, -1)[np.argmax(data["responses"], axis=0)]
    on_bar = preferred_bar > 0  # (outputs, pixels)
    w = data["w"]
    return {
        "weight_on_bar": float(w[on_bar].mean()),
        "weight_off_bar": float(w[~on_bar].mean()),
        "selective_outputs": int(selective.sum()),
        "bars_covered": len(set(preferred[selective].tolist())),
        "silent_outputs": int((active.sum(axis=0) == 0).sum()),
        "firing_probability": float((last > 0.5).mean()),
    }


def plot(data, figures, outdir):
    w, responses = data["w"], data["responses"]
    outputs = w.shape[0]
    order = np.argsort(np.where(responses.max(axis=0) > 0.5, np.argmax(responses, axis=0), 2 * SIDE))
    plt = pyplot()
    cols = min(outputs, 8)
    rows = int(np.ceil(outputs / cols))
    fig = plt.figure(figsize=(14, 1.8 * rows + 2.6), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[1.5, 1])
    top, bottom = left.subfigures(2, 1, height_ratios=[1, rows])
    for ax, image in zip(top.subplots(1, 8), data["examples"], strict=True):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_xticks([])
        ax.set_yticks([])
    top.suptitle("the first training images (each bar with probability 1/8)")
    axes = np.atleast_2d(bottom.subplots(rows, cols))
    vmax = float(w.max())
    for ax in axes.flat:
        ax.axis("off")
    for ax, k in zip(axes.flat, order, strict=False):
        field = ax.imshow(w[k].reshape(SIDE, SIDE), cmap="gray_r", vmin=0.0, vmax=vmax)
        ax.set_title(f"output {k}", fontsize=8)
    bottom.colorbar(field, ax=axes, shrink=0.8, label="weight")
    bottom.suptitle("learned receptive fields (feedforward weights, sorted by preferred bar)")
    ax = right.subplots()
    im = ax.imshow(responses[:, order].T, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    names = [f"h{i}" for i in range(SIDE)] + [f"v{i}" for i in range(SIDE)]
    ax.set_xticks(range(2 * SIDE), names, fontsize=7)
    ax.set_yticks(range(outputs), [str(k) for k in order], fontsize=7)
    ax.set_xlabel("bar shown alone (h: horizontal row, v: vertical column)")
    ax.set_ylabel("output neuron")
    ax.set_title(f"{figures['selective_outputs']} selective outputs, {figures['bars_covered']} bars covered")
    right.colorbar(im, ax=ax, label="settled rate r")
    save_figure(fig, "bar_learning.png", outdir)


def main(argv=None):
    """Runs the example; returns the key figures (selective outputs, bars covered)."""
    args = parse_args(__doc__, argv, extra=options)
    data = run(args.images, args.outputs)
    figures = key_figures(data)
    print(f"after {args.images} images: {figures['selective_outputs']} of {args.outputs} outputs answer "
          f"to a single bar, covering {figures['bars_covered']} of the {2 * SIDE} bars "
          f"({figures['silent_outputs']} silent outputs)")
    print(f"firing probability of the outputs over the last images: {figures['firing_probability']:.3f} "
          f"(target {P})")
    print(f"mean weight on the preferred bar {figures['weight_on_bar']:.3f} (expected 1), elsewhere "
          f"{figures['weight_off_bar']:.3f} (expected 1 - (1 - p)^2 = {1 - (1 - P) ** 2:.3f})")
    plot(data, figures, args.outdir)
    return figures


if __name__ == "__main__":
    main()
