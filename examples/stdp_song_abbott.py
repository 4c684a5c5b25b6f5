"""STDP makes synapses compete: the weights of 1000 Poisson inputs onto a neuron become bimodal.

Additive spike-timing-dependent plasticity as in Song, Miller & Abbott (2000), "Competitive
Hebbian learning through spike-timing-dependent synaptic plasticity", Nat. Neurosci. 3: every
pre-before-post pair with delay s potentiates a synapse by A+ g_max exp(-s/tau+), every
post-before-pre pair depresses it by A- g_max exp(-s/tau-), with hard bounds [0, g_max] and
depression slightly stronger than potentiation (A- tau- = 1.05 A+ tau+). The built-in
``ann.STDP`` synapse implements it with two event-driven traces.

The neuron and inputs (the widely used single-neuron set-up of Song, Miller & Abbott 2000
and Song & Abbott 2001):
``tau_m dv/dt = E_L - v + g_exc (E_exc - v)``, ``tau_exc dg_exc/dt = -g_exc`` with tau_m =
10 ms, E_L = -74 mV, threshold -54 mV, reset -60 mV, E_exc = 0 mV, tau_exc = 5 ms. It
receives 1000 independent Poisson trains at 15 Hz; the weights (in units of the leak
conductance) start uniform in [0, g_max], g_max = 0.01; tau+ = tau- = 20 ms, A+ = 0.01,
A- = 0.0105. dt = 0.1 ms. ``--neurons N`` runs N such neurons side by side on the same
inputs (their weights evolve separately and are pooled in the histogram).

With uncorrelated inputs the rule cannot favour any input, yet the weights split: a synapse
that happens to be stronger makes the neuron fire more often right after its spikes, so it
gains more than it loses, and the others lose. The weights pile up at 0 and g_max (Song et
al. 2000), and the neuron, which first fires fast (driven by an average weight of
g_max/2), settles to a much lower rate where potentiation and depression balance.

The script prints the output rate at the beginning and at the end, the fractions of weights
in the lowest and highest tenths of [0, g_max] and the mean weight change, and writes
``stdp_song_abbott.png``: the weight distribution before and after, the output rate over time
and the final weights.

Expected result (200 s, seed 42): the output rate falls from 36 Hz in the first second to
about 16-17 Hz; at the end 29 % of the weights lie below 0.1 g_max and 22 % above 0.9 g_max
(a tenth each at the start): two clear modes at the bounds. The split deepens slowly (24 % and
18 % after 100 s, 31 % and 24 % after 300 s). The reference simulator (ANNarchy 4.8.2) running
this script for 100 s gives 40 Hz, 15.8 Hz, 24.5 % and 18.6 % (docs/reference_facts.md,
section T3). Larger learning steps do not make the split faster, they blur it (A+ and A-
three times larger: 17 % and 16 % after 100 s), so the example keeps small steps and a long
run.

    python examples/stdp_song_abbott.py [--duration MS] [--neurons N] [--seed S] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.stdp_song_abbott (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

N_INPUTS = 1000
INPUT_RATE = 15.0  # Hz
G_MAX = 0.01
A_PLUS = 0.01
A_MINUS = 0.0105

NEURON = ann.Neuron(
    parameters="""
        tau_m = 10.0 : population
        tau_exc = 5.0 : population
        E_L = -74.0 : population
        E_exc = 0.0 : population
        v_thresh = -54.0 : population
        v_reset = -60.0 : population
    """,
    equations="""
        tau_m * dv/dt = E_L - v + g_exc * (E_exc - v) : init = -60.0
        tau_exc * dg_exc/dt = - g_exc
    """,
    spike="v > v_thresh",
    reset="v = v_reset",
    name="Song-Abbott integrate-and-fire neuron",
)


def build(n_neurons, seed):
    """Inputs, neurons and the plastic projection (nothing compiled)."""
    ann.clear()
    ann.setup(dt=0.1, seed=seed)
    inputs = ann.PoissonPopulation(N_INPUTS, rates=INPUT_RATE, name="inputs")
    neurons = ann.Population(n_neurons, NEURON, name="neurons")
    stdp = ann.STDP(tau_plus=20.0, tau_minus=20.0, A_plus=A_PLUS, A_minus=A_MINUS,
                    w_min=0.0, w_max=G_MAX)
    proj = ann.Projection(inputs, neurons, "exc", synapse=stdp, name="plastic")
    proj.connect_all_to_all(ann.Uniform(0.0, G_MAX))
    return neurons, proj, ann.Monitor(neurons, "spike")


def weights(proj):
    """All weights of the projection, one row per neuron (array (neurons, inputs))."""
    return np.array([np.asarray(d.w, dtype=float) for d in proj.dendrites])


def main(argv=None):
    """Runs the example; returns the output rates (Hz: first bin, last tenth, whole run), the
    fractions of weights near 0 and near g_max at the end, the final mean weight and the mean
    weight change (both in units of g_max)."""

    def extra(parser):
        parser.add_argument("--neurons", type=int, default=1, help="postsynaptic neurons (default 1)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    args = parse_args(__doc__, argv, duration=200000.0, extra=extra)
    neurons, proj, monitor = build(args.neurons, args.seed)
    ann.compile()
    w_before = weights(proj) / G_MAX
    ann.simulate(args.duration)
    w_after = weights(proj) / G_MAX
    spikes = monitor.get("spike")
    bin_ms = min(1000.0, args.duration / 10.0)
    n_bins = int(args.duration // bin_ms)
    counts = ann.histogram(spikes, bins=bin_ms, recording_window=(0, int(round(args.duration / 0.1)) - 1))
    rate = counts[:n_bins] * 1000.0 / bin_ms / args.neurons
    tail = max(1, n_bins // 10)
    figures = {
        "rate_first": float(rate[0]),
        "rate_last": float(rate[-tail:].mean()),
        "low_fraction": float(np.mean(w_after < 0.1)),
        "high_fraction": float(np.mean(w_after > 0.9)),
        "mean_weight": float(w_after.mean()),
        "mean_change": float((w_after - w_before).mean()),
        "rate_mean": float(rate.mean()),
    }
    print(f"output rate: {figures['rate_first']:.1f} Hz in the first {bin_ms / 1000:g} s,"
          f" {figures['rate_last']:.1f} Hz over the last {tail * bin_ms / 1000:g} s")
    print(f"weights at the end: {100 * figures['low_fraction']:.1f} % below 0.1 g_max,"
          f" {100 * figures['high_fraction']:.1f} % above 0.9 g_max, mean {figures['mean_weight']:.3f} g_max"
          f" (mean change {figures['mean_change']:+.4f} g_max)")

    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    ax_hist, ax_rate, ax_w = axes
    edges = np.linspace(0.0, 1.0, 41)
    ax_hist.hist(w_before.ravel(), bins=edges, histtype="step", color="gray", lw=2, label="before")
    ax_hist.hist(w_after.ravel(), bins=edges, color="tab:red", alpha=0.7,
                 label=f"after {args.duration / 1000:g} s")
    ax_hist.set_xlabel("weight / g_max")
    ax_hist.set_ylabel("synapses")
    ax_hist.set_title("weight distribution")
    ax_hist.legend()
    ax_rate.plot((np.arange(n_bins) + 0.5) * bin_ms / 1000.0, rate, "k.-")
    ax_rate.set_xlabel("time (s)")
    ax_rate.set_ylabel("output rate (Hz)")
    ax_rate.set_ylim(bottom=0)
    ax_rate.set_title(f"output rate ({bin_ms / 1000:g}-s bins)")
    ax_w.plot(w_after[0], ".", ms=2, color="tab:red")
    ax_w.set_xlabel("input")
    ax_w.set_ylabel("weight / g_max")
    ax_w.set_title("final weights of neuron 0")
    fig.suptitle(f"additive STDP (Song, Miller & Abbott 2000): {N_INPUTS} Poisson inputs"
                 f" at {INPUT_RATE:g} Hz")
    fig.tight_layout()
    save_figure(fig, "stdp_song_abbott.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
