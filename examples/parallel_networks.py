"""One spiking network, several input rates, simulated in parallel processes with ``parallel_run``.

Model: a sparse excitatory-inhibitory network of current-based integrate-and-fire neurons
(``IF_curr_exp``: tau_m = 20 ms, threshold 15 mV above rest, tau_syn = 5 ms, refractory 2 ms),
400 excitatory and 100 inhibitory cells, connection probability 0.1, inhibition 4 times
stronger than excitation (the balanced regime of Brunel 2000, in a small current-based
version), driven by 200 Poisson neurons firing at a rate nu (Hz). Each copy of the network
gets another nu.

``ann.parallel_run(method, number=N, rate=[...])`` runs N copies of the network, one per
process (copy n gets the seed ``seed + n``); the same call with ``sequential=True`` runs the
same jobs one after another in this process. Both must give identical spike trains, since
each job draws from its own seeded generators. The script prints the mean firing rates of
both runs, their largest difference, and the wall time of the parallel and the sequential
run (timings are printed, not tested: the machine may be shared).

Expected result: the excitatory rate grows with nu (near 0 Hz at nu = 10 Hz, about 8 Hz at
20 Hz, about 35 Hz at 35 Hz); parallel and sequential spike counts identical for every neuron
(largest difference 0); the Poisson inputs fire N_in nu T spikes within a few
sqrt(N_in nu T); with 2 processes on 2 idle cores the parallel run takes a bit more than half
of the sequential time (less gain on a busy machine).

    python examples/parallel_networks.py [--duration MS] [--networks N] [--processes P]
                                         [--outdir DIR] [-j N]
"""

import time

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.parallel_networks (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

N_INPUT, N_EXC, N_INH = 200, 400, 100
POPULATIONS = ("input", "exc", "inh")
W_INPUT, W_EXC, W_INH = 0.3, 0.05, 0.2  # nA (charge w * tau_syn per spike)


def build():
    """The network of the docstring in the default network (uncompiled), with a spike monitor
    on each population."""
    ann.clear()
    ann.setup(dt=0.1, seed=2024)
    neuron = ann.IF_curr_exp(tau_refrac=2.0)
    inp = ann.PoissonPopulation(N_INPUT, rates=10.0, name="input")
    exc = ann.Population(N_EXC, neuron, name="exc")
    inh = ann.Population(N_INH, neuron, name="inh")
    for pre, target, weight in ((inp, "exc", W_INPUT), (exc, "exc", W_EXC), (inh, "inh", W_INH)):
        for post in (exc, inh):
            proj = ann.Projection(pre, post, target, name=f"{pre.name}->{post.name}")
            proj.connect_fixed_probability(0.1, weights=weight)
    for pop in (inp, exc, inh):
        ann.Monitor(pop, "spike")


def spike_counts(net, name):
    """Spikes per neuron recorded in population ``name`` of ``net`` (a list of ints). The
    monitor is found through its population, so that this also works in processes that
    rebuilt the network (spawn, GPU)."""
    pop = net.get_population(name)
    monitor = next(m for m in net.get_monitors() if m.object is pop)
    spikes = monitor.get("spike")
    return [len(spikes.get(rank, [])) for rank in range(pop.size)]


def one_network(idx, net, rate, duration):
    """One job: sets the Poisson rate (Hz), simulates ``duration`` ms and returns the spike
    counts per neuron of each population."""
    net.get_population("input").rates = rate
    net.simulate(duration)
    return {name: spike_counts(net, name) for name in POPULATIONS}


def run(rates, duration, processes, sequential):
    """The jobs in parallel processes or sequentially; returns (results, wall time in s)."""
    start = time.perf_counter()
    results = ann.parallel_run(one_network, number=len(rates), rate=list(rates), duration=duration,
                               max_processes=processes, sequential=sequential)
    return results, time.perf_counter() - start


def main(argv=None):
    """Runs the example; returns the key figures (largest parallel/sequential difference,
    mean rates per network, input spike counts and their expectation, wall times)."""

    def extra(parser):
        parser.add_argument("--networks", type=int, default=6, help="number of networks (default 6)")
        parser.add_argument("--processes", type=int, default=2, help="processes of the parallel run (default 2)")

    args = parse_args(__doc__, argv, duration=1000.0, extra=extra)
    rates = np.linspace(10.0, 35.0, args.networks) if args.networks > 1 else np.array([20.0])
    build()
    ann.compile()
    parallel, t_parallel = run(rates, args.duration, args.processes, sequential=False)
    sequential, t_sequential = run(rates, args.duration, args.processes, sequential=True)

    seconds = args.duration / 1000.0
    figures = {"max_difference": 0, "parallel_s": t_parallel, "sequential_s": t_sequential}
    print(f"{'nu (Hz)':>8s} {'exc (Hz)':>9s} {'inh (Hz)':>9s} {'input spikes':>13s} {'expected':>9s}")
    for n, nu in enumerate(rates):
        for name in POPULATIONS:
            diff = int(np.max(np.abs(np.array(parallel[n][name]) - np.array(sequential[n][name]))))
            figures["max_difference"] = max(figures["max_difference"], diff)
        figures[f"exc_rate_{n}"] = float(np.mean(parallel[n]["exc"]) / seconds)
        figures[f"inh_rate_{n}"] = float(np.mean(parallel[n]["inh"]) / seconds)
        figures[f"input_spikes_{n}"] = int(np.sum(parallel[n]["input"]))
        figures[f"input_expected_{n}"] = float(N_INPUT * nu * seconds)
        print(f"{nu:8.1f} {figures[f'exc_rate_{n}']:9.2f} {figures[f'inh_rate_{n}']:9.2f} "
              f"{figures[f'input_spikes_{n}']:13d} {figures[f'input_expected_{n}']:9.0f}")
    print(f"largest difference of a spike count, parallel vs sequential: {figures['max_difference']}")
    print(f"wall time: parallel ({args.processes} processes) {t_parallel:.2f} s, "
          f"sequential {t_sequential:.2f} s (ratio {t_parallel / t_sequential:.2f})")
    plot(rates, parallel, sequential, seconds, (t_parallel, t_sequential), args.processes, args.outdir)
    return figures


def plot(rates, parallel, sequential, seconds, times, processes, outdir):
    plt = pyplot()
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 4), gridspec_kw={"width_ratios": [2, 2, 1]})
    for name, colour in (("exc", "tab:red"), ("inh", "tab:blue")):
        ax1.plot(rates, [np.mean(r[name]) / seconds for r in sequential], "-", color=colour, lw=3, alpha=0.4,
                 label=f"{name}, sequential")
        ax1.plot(rates, [np.mean(r[name]) / seconds for r in parallel], "o", color=colour,
                 label=f"{name}, parallel")
    ax1.set_xlabel("Poisson input rate nu (Hz)")
    ax1.set_ylabel("mean firing rate (Hz)")
    ax1.set_title("one network per process")
    ax1.legend(fontsize=8)
    for n, nu in enumerate(rates):
        seq = np.array(sequential[n]["exc"] + sequential[n]["inh"]) / seconds
        par = np.array(parallel[n]["exc"] + parallel[n]["inh"]) / seconds
        ax2.plot(seq, par, "o", ms=3 + 2 * (len(rates) - 1 - n), mfc="none", label=f"nu = {nu:g} Hz")
    top = max(max(max(r["exc"] + r["inh"]) for r in sequential) / seconds, 1.0)
    ax2.plot([0, top], [0, top], "k-", lw=0.8, alpha=0.5)
    ax2.set_xlabel("firing rate of each neuron, sequential run (Hz)")
    ax2.set_ylabel("same neuron, parallel run (Hz)")
    ax2.set_title("neuron by neuron: identical")
    ax2.legend(fontsize=7)
    ax3.bar([f"parallel\n({processes} proc.)", "sequential"], times, color=("tab:green", "0.5"))
    ax3.set_ylabel("wall time (s)")
    ax3.set_title(f"{len(rates)} networks (wall time)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, "parallel_networks.png", outdir)


if __name__ == "__main__":
    main()
