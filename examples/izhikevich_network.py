"""Izhikevich's pulse-coupled network: 1000 spiking neurons that fall into alpha and gamma rhythms.

The network of Izhikevich (2003), "Simple model of spiking neurons", IEEE Trans. Neural
Networks 14: 800 excitatory and 200 inhibitory neurons of the two-variable model

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I,    du/dt = a (b v - u),
    spike when v >= 30 mV, then v = c and u += d,

with heterogeneous parameters drawn once per neuron (r uniform in [0, 1]): excitatory
neurons a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2 (regular spiking to chattering),
inhibitory neurons a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2 (fast spiking to
low-threshold spiking). Every neuron is connected to every other one with weights uniform in
[0, 0.5] (excitatory) and [-1, 0] (inhibitory); a spike moves the membrane potential of its
targets at the next step (instantaneous synapses). Each neuron gets a random thalamic input
drawn every millisecond from a normal distribution (standard deviation 5 for excitatory and 2
for inhibitory neurons). dt = 1 ms, explicit Euler (the paper's own code advances v in two
half steps; here in one, as in the reference simulator's version of this network).

The script prints the mean firing rate and the frequencies of the strongest alpha-range and
gamma-range rhythms of the population activity, and writes ``izhikevich_network.png``: the
raster plot (compare with the paper's network simulation), the population activity and its
power spectrum.

Expected result (1 s, seed 42): a mean rate of 9.0 Hz (over 20 seeds the reference simulator
gives 9.21 +- 0.20 Hz and annarray 9.18 +- 0.17 Hz, docs/reference_facts.md section T2),
population bursts recurring at alpha frequency (strongest rhythm between 3 and 20 Hz: 10 Hz
here, 8-9 Hz for most seeds) with gamma-range structure inside them (strongest rhythm between
25 and 80 Hz: 25-42 Hz depending on the seed). The first burst, at about 40 ms, comes from the
identical initial state of all neurons.

    python examples/izhikevich_network.py [--duration MS] [--seed S] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.izhikevich_network (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

N_EXC, N_INH = 800, 200

NEURON = ann.Neuron(
    parameters="""
        noise = 5.0
        a = 0.02
        b = 0.2
        c = -65.0
        d = 8.0
        v_thresh = 30.0 : population
    """,
    equations="""
        I = g_exc - g_inh + noise * Normal(0.0, 1.0)
        dv/dt = 0.04 * v * v + 5.0 * v + 140.0 - u + I : init = -65.0
        du/dt = a * (b * v - u) : init = -13.0
    """,
    spike="v >= v_thresh",
    reset="""
        v = c
        u += d
    """,
    name="Izhikevich (2003) neuron",
)


def build(seed):
    """The 1000-neuron network; returns the population and its spike monitor (not compiled).

    The neuron parameters are drawn with NumPy's generator seeded with ``seed``; the weights
    and the thalamic noise come from annarray's own generator (``setup(seed=seed)``).
    """
    ann.clear()
    ann.setup(dt=1.0, seed=seed)
    pop = ann.Population(N_EXC + N_INH, NEURON, name="cortex")
    exc, inh = pop[:N_EXC], pop[N_EXC:]
    rng = np.random.default_rng(seed)
    re, ri = rng.random(N_EXC), rng.random(N_INH)
    exc.noise = 5.0
    exc.a = 0.02
    exc.b = 0.2
    exc.c = -65.0 + 15.0 * re**2
    exc.d = 8.0 - 6.0 * re**2
    inh.noise = 2.0
    inh.a = 0.02 + 0.08 * ri
    inh.b = 0.25 - 0.05 * ri
    inh.c = -65.0
    inh.d = 2.0
    pop.v = -65.0
    pop.u = pop.b * -65.0
    # all-to-all without autapses; g_inh enters the membrane with a minus sign
    ann.Projection(exc, pop, "exc").connect_all_to_all(ann.Uniform(0.0, 0.5))
    ann.Projection(inh, pop, "inh").connect_all_to_all(ann.Uniform(0.0, 1.0))
    return pop, ann.Monitor(pop, "spike")


def spectrum(activity):
    """Power spectrum of the population activity (spikes per 1-ms step, 1-D array).

    Returns ``(frequencies in Hz, power)`` of the mean-subtracted signal (Hann window)."""
    x = (activity - activity.mean()) * np.hanning(activity.size)
    power = np.abs(np.fft.rfft(x)) ** 2
    return np.fft.rfftfreq(activity.size, d=1e-3), power


def main(argv=None):
    """Runs the network; returns the mean rate (Hz) and the frequencies (Hz) of the strongest
    rhythms between 3 and 20 Hz (alpha) and between 25 and 80 Hz (gamma)."""

    def extra(parser):
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    args = parse_args(__doc__, argv, duration=1000.0, extra=extra)
    pop, monitor = build(args.seed)
    ann.compile()
    ann.simulate(args.duration)
    spikes = monitor.get("spike")
    steps = int(round(args.duration))
    activity = ann.histogram(spikes, bins=1.0, recording_window=(0, steps - 1)).astype(float)
    freqs, power = spectrum(activity)
    alpha = (freqs >= 3.0) & (freqs <= 20.0)
    gamma = (freqs >= 25.0) & (freqs <= 80.0)
    figures = {
        "rate": float(activity.sum() / pop.size / args.duration * 1000.0),
        "alpha_peak": float(freqs[alpha][np.argmax(power[alpha])]),
        "gamma_peak": float(freqs[gamma][np.argmax(power[gamma])]),
    }
    print(f"mean firing rate {figures['rate']:.2f} Hz")
    print(f"strongest rhythm of the population activity between 3 and 20 Hz: {figures['alpha_peak']:.0f} Hz,"
          f" between 25 and 80 Hz: {figures['gamma_peak']:.0f} Hz")

    plt = pyplot()
    fig = plt.figure(figsize=(12, 7))
    grid = fig.add_gridspec(2, 2, height_ratios=[2.2, 1], width_ratios=[3, 1])
    ax_raster = fig.add_subplot(grid[0, :])
    times, ranks = ann.raster_plot(spikes)
    exc = ranks < N_EXC
    ax_raster.plot(times[exc], ranks[exc], ".", ms=1.5, color="tab:red", label="excitatory")
    ax_raster.plot(times[~exc], ranks[~exc], ".", ms=1.5, color="tab:blue", label="inhibitory")
    ax_raster.set_xlim(0, args.duration)
    ax_raster.set_ylim(0, pop.size)
    ax_raster.set_ylabel("neuron")
    ax_raster.set_title(f"Izhikevich (2003) pulse-coupled network: mean rate {figures['rate']:.1f} Hz")
    ax_raster.legend(loc="upper right", markerscale=6)
    ax_act = fig.add_subplot(grid[1, 0], sharex=ax_raster)
    ax_act.plot(np.arange(steps), activity, "k-", lw=0.8)
    ax_act.set_xlabel("time (ms)")
    ax_act.set_ylabel("spikes per ms")
    ax_psd = fig.add_subplot(grid[1, 1])
    keep = freqs <= 100.0
    ax_psd.plot(freqs[keep], power[keep] / power[alpha | gamma].max(), "k-")
    ax_psd.axvspan(8, 13, color="tab:green", alpha=0.2, label="alpha (8-13 Hz)")
    ax_psd.axvspan(30, 50, color="tab:orange", alpha=0.2, label="gamma (30-50 Hz)")
    ax_psd.set_title(f"peaks {figures['alpha_peak']:.0f} Hz and {figures['gamma_peak']:.0f} Hz", fontsize=10)
    ax_psd.set_xlabel("frequency (Hz)")
    ax_psd.set_ylabel("power (normalised)")
    ax_psd.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, "izhikevich_network.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
