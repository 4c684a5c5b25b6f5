"""A parameter sweep on a Dask cluster: f-I curves of the leaky integrate-and-fire neuron.

Each job of the sweep is one network: a population of ``IF_curr_exp`` neurons (tau_m = 20 ms,
C = 1 nF, so R = tau_m / C = 20 MOhm; threshold 15 mV above rest and reset to rest; no
synaptic input), each neuron with its own constant current ``i_offset`` from 0 to 3 nA, and
one refractory period t_ref per job (0, 2 and 5 ms). The jobs run on a
``dask.distributed.LocalCluster`` of two worker processes through
``ann.parallel_run(..., client=client)``; the cluster is closed at the end.

Each job returns the inter-spike interval of every neuron; the script compares the firing rate
1000 / ISI with the analytic f-I curve of the LIF neuron (Lapicque; e.g. Gerstner & Kistler
2002, sect. 4.1): no spike while I R <= 15 mV (rheobase 0.75 nA), else

    T = t_ref + tau_m ln(I R / (I R - 15 mV)).

With dt = 0.1 ms and the exact (exponential) integration of ``IF_curr_exp``, a neuron fires at
the first step after the threshold crossing, and a refractory period freezes it for
int(t_ref / dt) steps: the simulated ISI lies in [T, T + dt) for every current.

Expected result: every simulated ISI within [T, T + 0.1 ms) of the analytic one (a rate
error below 1000 / T - 1000 / (T + 0.1), at most ~2 % at 3 nA without refractory period);
no spike below the rheobase; at 3 nA an ISI of 58, 78 and 108 steps, i.e. 172.4, 128.2 and
92.6 Hz for t_ref = 0, 2, 5 ms (analytic 173.8, 129.0, 93.0 Hz). ANNarchy 4.8.2 gives the same
spike steps (docs/reference_facts.md W2).

    python examples/dask_parameter_sweep.py [--duration MS] [--neurons N] [--outdir DIR] [-j N]
"""

import time

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.dask_parameter_sweep (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

REFRACTORY = (0.0, 2.0, 5.0)  # ms, one job each
I_MAX = 3.0  # nA
TAU_M, CM, V_JUMP = 20.0, 1.0, 15.0  # ms, nF, mV (threshold - reset)
DT = 0.1  # ms


def build(neurons):
    """The swept population (uncompiled) with a spike monitor, in the default network."""
    ann.clear()
    ann.setup(dt=DT, seed=7)
    pop = ann.Population(neurons, ann.IF_curr_exp(tau_m=TAU_M, cm=CM), name="lif")
    pop.i_offset = np.linspace(0.0, I_MAX, neurons)
    ann.Monitor(pop, "spike")


def sweep_job(idx, net, t_ref, duration):
    """One job on a worker: sets the refractory period (ms) and simulates ``duration`` ms.
    Returns the number of spikes of each neuron and its mean inter-spike interval (ms; nan
    with fewer than 2 spikes), two arrays of the population's size."""
    pop = net.get_population("lif")
    pop.tau_refrac = t_ref
    net.simulate(duration)
    monitor = next(m for m in net.get_monitors() if m.object is pop)
    spikes = monitor.get("spike")
    counts = np.zeros(pop.size, dtype=int)
    isi = np.full(pop.size, np.nan)
    for rank, steps in spikes.items():
        counts[rank] = len(steps)
        if len(steps) > 1:
            isi[rank] = (steps[-1] - steps[0]) * DT / (len(steps) - 1)
    return counts, isi


def analytic_isi(current, t_ref):
    """LIF inter-spike interval (ms) for constant currents (nA); inf at or below the rheobase."""
    drive = np.asarray(current) * TAU_M / CM  # I R in mV
    with np.errstate(divide="ignore", invalid="ignore"):
        isi = t_ref + TAU_M * np.log(drive / (drive - V_JUMP))
    return np.where(drive > V_JUMP, isi, np.inf)


def run_sweep(duration):
    """The jobs on a LocalCluster of 2 worker processes; returns their results (one ISI array
    per refractory period) and the wall time of the sweep (s)."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        results = ann.parallel_run(sweep_job, number=len(REFRACTORY), t_ref=list(REFRACTORY),
                                   duration=duration, client=client)
        return results, time.perf_counter() - start


def main(argv=None):
    """Runs the sweep; returns the key figures (largest and smallest deviation of the
    simulated ISI from the analytic one, in units of dt; neurons below the rheobase that
    fired; neurons measured per job; rate and ISI in steps at the largest current; wall time
    of the sweep)."""

    def extra(parser):
        parser.add_argument("--neurons", type=int, default=61, help="currents per curve (default 61)")

    args = parse_args(__doc__, argv, duration=1000.0, extra=extra)
    build(args.neurons)
    ann.compile()
    current = np.linspace(0.0, I_MAX, args.neurons)
    results, wall = run_sweep(args.duration)
    counts = [c for c, _ in results]
    results = [isi for _, isi in results]

    figures = {"sweep_s": wall, "max_offset_dt": 0.0, "min_offset_dt": np.inf, "spiking_below_rheobase": 0}
    below = current * TAU_M / CM <= V_JUMP
    for t_ref, count, isi in zip(REFRACTORY, counts, results, strict=True):
        expected = analytic_isi(current, t_ref)
        # neurons firing at least twice in the run (the slowest ones near the rheobase may not)
        fired = ~np.isnan(isi)
        figures["spiking_below_rheobase"] += int(np.sum((count > 0) & below))
        offset = (isi[fired & ~below] - expected[fired & ~below]) / DT
        figures["max_offset_dt"] = max(figures["max_offset_dt"], float(offset.max()))
        figures["min_offset_dt"] = min(figures["min_offset_dt"], float(offset.min()))
        figures[f"measured_{int(t_ref)}ms"] = int(np.sum(fired))
        figures[f"rate_at_imax_{int(t_ref)}ms"] = float(1000.0 / isi[-1])
        figures[f"isi_steps_at_imax_{int(t_ref)}ms"] = int(round(isi[-1] / DT))
        print(f"t_ref = {t_ref:3.1f} ms: {int(np.sum(fired))} neurons fired twice or more; "
              f"(ISI - analytic T) / dt in [{offset.min():.3f}, {offset.max():.3f}]; "
              f"rate at {I_MAX:g} nA {1000.0 / isi[-1]:.1f} Hz (analytic {1000.0 / expected[-1]:.1f} Hz)")
    print(f"neurons below the rheobase (0.75 nA) that fired: {figures['spiking_below_rheobase']}")
    print(f"sweep of {len(REFRACTORY)} jobs on 2 Dask workers: {wall:.2f} s wall time")
    plot(current, results, args.duration, args.outdir)
    return figures


def plot(current, results, duration, outdir):
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    fine = np.linspace(0.0, I_MAX, 600)
    styles = zip(REFRACTORY, results, ("tab:blue", "tab:orange", "tab:green"), (9, 6, 3), strict=True)
    for t_ref, isi, colour, size in styles:
        rate = np.where(np.isnan(isi), 0.0, 1000.0 / isi)
        ax1.plot(fine, 1000.0 / analytic_isi(fine, t_ref), "-", color=colour, lw=1.5,
                 label=f"analytic, t_ref = {t_ref:g} ms")
        ax1.plot(current, rate, "o", color=colour, ms=4, mfc="none", label=f"simulated, t_ref = {t_ref:g} ms")
        fired = ~np.isnan(isi)
        ax2.plot(current[fired], (isi[fired] - analytic_isi(current[fired], t_ref)) / DT, "o", color=colour,
                 ms=size, label=f"t_ref = {t_ref:g} ms")
    ax1.axvline(V_JUMP * CM / TAU_M, color="0.6", ls=":", label="rheobase")
    ax1.set_xlabel("input current I (nA)")
    ax1.set_ylabel("firing rate (Hz)")
    ax1.set_title(f"LIF f-I curves, one Dask job per t_ref ({duration:g} ms each)")
    ax1.legend(fontsize=7, ncol=2)
    ax2.axhspan(0.0, 1.0, color="0.9", label="[0, dt): stepping bound")
    ax2.set_xlabel("input current I (nA)")
    ax2.set_ylabel("(simulated ISI - analytic T) / dt")
    ax2.set_ylim(-0.2, 1.2)
    ax2.set_title(f"ISI error in steps of dt = {DT:g} ms (the same for every t_ref)", fontsize=10)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, "dask_parameter_sweep.png", outdir)


if __name__ == "__main__":
    main()
