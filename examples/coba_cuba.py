"""COBA and CUBA: two balanced networks of integrate-and-fire neurons, irregular and asynchronous.

The networks of Vogels & Abbott (2005), as benchmarks 1 (COBA) and 2 (CUBA) of Brette et al.
(2007): 4000 leaky integrate-and-fire neurons, the first 3200 excitatory and the last 800
inhibitory, each pair connected with probability 2 % (so every neuron receives about 64
excitatory and 16 inhibitory synapses), refractory period 5 ms, dt = 0.1 ms.

* COBA (conductance-based): ``tau dv/dt = (El - v) + g_exc (E_exc - v) + g_inh (E_inh - v) + I``
  with tau = 20 ms, El = -60 mV, threshold -50 mV, reset -60 mV, reversal potentials 0 and
  -80 mV, a constant drive I = 20 mV, conductances (in units of the leak conductance) that
  jump by 0.6 (exc) or 6.7 (inh) at each spike and decay with 5 and 10 ms.
* CUBA (current-based): ``tau dv/dt = (El - v) + g_exc + g_inh`` with El = -49 mV, just above
  the threshold of -50 mV (every neuron would fire alone), currents that jump by 1.62 mV (exc)
  or -9 mV (inh) and decay with 5 and 10 ms.

The script prints, for each network, the mean firing rate and the mean coefficient of
variation (CV) of the interspike intervals, and writes ``coba_cuba.png``: raster plots, the
population rate, and the distributions of the rates and CVs over the neurons.

Expected result (4000 neurons, 1 s, seed 42): COBA 20.8 Hz, CUBA 5.1 Hz. Over 20 random
networks the reference simulator (ANNarchy 4.8.2) gives 20.4 +- 0.9 Hz and 5.55 +- 0.19 Hz,
annarray 20.8 +- 0.8 Hz and 5.54 +- 0.16 Hz (docs/reference_facts.md, section T1). Both
networks fire irregularly: the mean CV of the ISIs is 0.52 for CUBA and about 1.55 for COBA,
whose neurons fire in irregular bursts (its CV grows with the recording: 1.0 over 300 ms,
1.3 over 500 ms, in both simulators).

    python examples/coba_cuba.py [--duration MS] [--neurons N] [--seed S] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.coba_cuba (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

N = 4000
EXC_FRACTION = 0.8
PROBABILITY = 0.02

COBA = ann.Neuron(
    parameters="""
        El = -60.0 : population
        Vr = -60.0 : population
        Erev_exc = 0.0 : population
        Erev_inh = -80.0 : population
        Vt = -50.0 : population
        tau = 20.0 : population
        tau_exc = 5.0 : population
        tau_inh = 10.0 : population
        I = 20.0 : population
    """,
    equations="""
        tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
        tau_exc * dg_exc/dt = - g_exc
        tau_inh * dg_inh/dt = - g_inh
    """,
    spike="v > Vt",
    reset="v = Vr",
    refractory=5.0,
    name="COBA neuron",
)

CUBA = ann.Neuron(
    parameters="""
        El = -49.0 : population
        Vr = -60.0 : population
        Vt = -50.0 : population
        tau_m = 20.0 : population
        tau_exc = 5.0 : population
        tau_inh = 10.0 : population
    """,
    equations="""
        tau_m * dv/dt = (El - v) + g_exc + g_inh
        tau_exc * dg_exc/dt = - g_exc
        tau_inh * dg_inh/dt = - g_inh
    """,
    spike="v > Vt",
    reset="v = Vr",
    refractory=5.0,
    name="CUBA neuron",
)

# weights: COBA in units of the leak conductance; CUBA in mV (Brette et al. 2007:
# 0.27 mV * 60 / 10 and -4.5 mV * 20 / 10)
WEIGHTS = {"coba": (0.6, 6.7), "cuba": (0.27 * 60.0 / 10.0, -4.5 * 20.0 / 10.0)}


def build(kind, n, seed):
    """Creates the network ``kind`` ('coba' or 'cuba') of ``n`` neurons; returns the population
    and a spike monitor on it (nothing compiled)."""
    ann.clear()
    ann.setup(dt=0.1, seed=seed)
    n_exc = int(round(n * EXC_FRACTION))
    pop = ann.Population(n, COBA if kind == "coba" else CUBA, name=kind)
    if kind == "coba":
        pop.v = ann.Normal(-55.0, 5.0)
        pop.g_exc = ann.Normal(4.0, 1.5)
        pop.g_inh = ann.Normal(20.0, 12.0)
    else:
        pop.v = ann.Uniform(-60.0, -50.0)
    # keep about 64 excitatory and 16 inhibitory inputs per neuron when the network is shrunk
    p = min(1.0, PROBABILITY * N / n)
    w_exc, w_inh = WEIGHTS[kind]
    ann.Projection(pop[:n_exc], pop, "exc").connect_fixed_probability(p, w_exc)
    ann.Projection(pop[n_exc:], pop, "inh").connect_fixed_probability(p, w_inh)
    return pop, ann.Monitor(pop, "spike")


def run(kind, n, duration, seed):
    """Simulates one network; returns its spikes (dict rank -> steps) and its key figures."""
    pop, monitor = build(kind, n, seed)
    ann.compile()
    ann.simulate(duration)
    spikes = monitor.get("spike")
    counts = np.array([len(spikes[r]) for r in range(n)])
    cvs = np.array(ann.coefficient_of_variation(spikes))
    figures = {
        "rate": float(counts.mean() * 1000.0 / duration),
        "cv": float(cvs.mean()) if cvs.size else float("nan"),
    }
    return spikes, counts * 1000.0 / duration, cvs, figures


def plot_row(axes, kind, spikes, rates, cvs, duration, n_exc):
    """Raster (every 8th neuron), population rate, rate and CV histograms of one network."""
    times, ranks = ann.raster_plot(spikes)
    shown = ranks % 8 == 0
    exc = shown & (ranks < n_exc)
    inh = shown & (ranks >= n_exc)
    ax_raster, ax_rate, ax_hist, ax_cv = axes
    ax_raster.plot(times[exc], ranks[exc], ".", ms=1, color="tab:red", label="excitatory")
    ax_raster.plot(times[inh], ranks[inh], ".", ms=1, color="tab:blue", label="inhibitory")
    ax_raster.set_xlim(0, duration)
    ax_raster.set_ylabel(f"{kind.upper()}\nneuron (every 8th)")
    ax_raster.legend(loc="upper right", markerscale=8, fontsize=8)
    counts = ann.histogram(spikes, bins=5.0, recording_window=(0, int(round(duration / 0.1)) - 1))
    ax_rate.plot(np.arange(counts.size) * 5.0, counts * 1000.0 / 5.0 / len(rates), "k-", lw=1)
    ax_rate.set_ylabel("population rate (Hz)")
    ax_rate.set_xlim(0, duration)
    ax_hist.hist(rates, bins=40, color="gray")
    ax_hist.axvline(rates.mean(), color="k", ls="--", label=f"mean {rates.mean():.1f} Hz")
    ax_hist.set_xlabel("firing rate (Hz)")
    ax_hist.set_ylabel("neurons")
    ax_hist.legend(fontsize=8)
    if cvs.size:
        ax_cv.hist(cvs, bins=40, range=(0.0, max(2.0, float(np.ceil(cvs.max())))), color="gray")
        ax_cv.axvline(cvs.mean(), color="k", ls="--", label=f"mean {cvs.mean():.2f}")
        ax_cv.legend(fontsize=8)
    ax_cv.set_xlabel("CV of the ISIs")
    ax_cv.set_ylabel("neurons")


def main(argv=None):
    """Runs both networks; returns their mean rates (Hz) and mean CVs of the ISIs."""

    def extra(parser):
        parser.add_argument("--neurons", type=int, default=N, help=f"network size (default {N})")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    args = parse_args(__doc__, argv, duration=1000.0, extra=extra)
    n_exc = int(round(args.neurons * EXC_FRACTION))
    plt = pyplot()
    fig, axes = plt.subplots(2, 4, figsize=(16, 7), gridspec_kw={"width_ratios": [3, 3, 1.5, 1.5]})
    figures = {}
    for row, kind in enumerate(("coba", "cuba")):
        spikes, rates, cvs, result = run(kind, args.neurons, args.duration, args.seed)
        figures[f"{kind}_rate"] = result["rate"]
        figures[f"{kind}_cv"] = result["cv"]
        print(f"{kind.upper()}: mean rate {result['rate']:.2f} Hz, mean CV of the ISIs {result['cv']:.3f}"
              f" ({cvs.size} neurons with 3 spikes or more)")
        plot_row(axes[row], kind, spikes, rates, cvs, args.duration, n_exc)
    for ax in axes[1, :2]:
        ax.set_xlabel("time (ms)")
    titles = ("raster plot", "population rate (5-ms bins)", "rates of the neurons", "irregularity")
    for ax, title in zip(axes[0], titles, strict=True):
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"Vogels & Abbott networks, {args.neurons} neurons, dt 0.1 ms")
    fig.tight_layout()
    save_figure(fig, "coba_cuba.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
