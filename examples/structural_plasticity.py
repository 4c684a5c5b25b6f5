"""Structural plasticity: synapses created between co-active neurons, pruned when unused.

Two rate-coded populations of 40 neurons (``r = r0``) are linked by a projection that
starts with 4 random synapses per postsynaptic neuron (``connect_fixed_number_pre``, w =
0.5). The simulation runs in phases of 200 ms; in phase k, neurons 10k .. 10k + 9 of both
populations are active (r = 1), all others silent. With ``setup(structural_plasticity=True)``
the synapse type carries two deterministic rules, checked every 10 ms:

* learning: ``tau dw/dt = pre.r * post.r - w`` (tau = 50 ms, explicit Euler, dt = 1 ms): w
  grows towards 1 between active neurons and decays by a factor 0.98 per step otherwise;
  ``low`` counts the time (ms) w has stayed below w_min = 0.05;
* ``creating="(pre.r > 0.5) and (post.r > 0.5) : w = 0.5"`` connects every active pair
  that is not yet connected;
* ``pruning="low > T_low"`` (T_low = 20 ms) removes synapses whose weight stayed low.

Creating only considers postsynaptic neurons that have a dendrite, i.e. at least one
synapse (as in the reference); ``connect_fixed_number_pre`` gives every neuron one.

Expected result (hand computation; ``predicted_counts`` below): at t = 0 the 100 pairs of
the first assembly are connected (160 + 100 - a0 synapses, a0 = random synapses already
inside it); a synapse decaying from w = 0.5 drops below 0.05 after 114 steps and is
pruned at the check 20 ms later, at t = 140 ms (count 100); at the start of each later
phase the next assembly is connected (200) and the previous one, decaying from
w = 1 - 0.5 * 0.98^199 = 0.991, is pruned 170 ms into the phase (148 steps + 20 ms, next
check): 100. At the end only the last assembly is left: a block of 10 x 10 synapses.

    python examples/structural_plasticity.py [--duration MS] [--outdir DIR] [-j N] [--gpu]
"""

import math

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.structural_plasticity (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

NEURONS, BLOCK = 40, 10  # per population; neurons per assembly
PHASE = 200.0  # ms per assembly
PERIOD = 10.0  # ms between two checks of the rules
TAU, W_MIN, T_LOW, W_NEW, W_INIT, FAN_IN = 50.0, 0.05, 20.0, 0.5, 0.5, 4


def plastic_synapse():
    """The synapse type with its creating and pruning rules (defined after
    ``setup(structural_plasticity=True)``, which the rules need, as in the reference)."""
    return ann.Synapse(
        parameters=f"tau = {TAU} : projection\nw_min = {W_MIN} : projection\nT_low = {T_LOW} : projection",
        equations="""
            tau * dw/dt = pre.r * post.r - w : explicit
            low = ite(w < w_min, low + dt, 0.0)
        """,
        creating=f"(pre.r > 0.5) and (post.r > 0.5) : w = {W_NEW}",
        pruning="low > T_low",
        name="Hebbian decay with creating and pruning",
    )


def activity(phase):
    """r0 of the neurons during ``phase`` (0, 1, ...): 1 in the phase's assembly, else 0."""
    r = np.zeros(NEURONS)
    block = phase % (NEURONS // BLOCK)
    r[block * BLOCK:(block + 1) * BLOCK] = 1.0
    return r


def prune_step(first_decay_step, w_start):
    """Hand computation: the step at whose end a synapse is pruned when its weight decays
    from ``w_start`` from step ``first_decay_step`` on: w < w_min after j steps, j the
    smallest integer with w_start 0.98^j < w_min; ``low`` then exceeds T_low 20 steps later
    (the step first_decay_step + j - 1 + 20 ends with low = 21 ms); pruned at the next
    check (a multiple of PERIOD)."""
    decay = 1.0 - 1.0 / TAU
    j = math.floor(math.log(W_MIN / w_start) / math.log(decay)) + 1
    last = first_decay_step + j - 1 + int(T_LOW)
    return int(math.ceil(last / PERIOD) * PERIOD)


def predicted_counts(initial, phases):
    """Hand computation of the synapse count after each check step 0, 10, 20, ...

    :param initial: boolean (post, pre) matrix of the synapses at t = 0.
    :returns: array of counts, one per check, for ``phases`` phases of PHASE ms.
    """
    steps = int(phases * PHASE)
    checks = np.arange(0, steps, int(PERIOD))
    counts = np.zeros(checks.size, dtype=int)
    # each synapse: (created at step, pruned at step)
    block0 = activity(0).astype(bool)
    inside = initial & np.outer(block0, block0)
    lifetimes = []
    n_outside = int(initial.sum() - inside.sum())
    lifetimes += [(-1, prune_step(0, W_INIT))] * n_outside
    for phase in range(phases):
        start = int(phase * PHASE)
        new = BLOCK * BLOCK - (int(inside.sum()) if phase == 0 else 0)
        # grown during the phase: steps start + 1 .. start + PHASE - 1 for the new synapses
        w_new = 1.0 - (1.0 - W_NEW) * (1.0 - 1.0 / TAU) ** (PHASE - 1)
        end = prune_step(start + int(PHASE), w_new) if phase < phases - 1 else steps
        lifetimes += [(start, end)] * new
        if phase == 0:  # the random synapses already inside the first assembly, from w = 0.5
            w_old = 1.0 - (1.0 - W_INIT) * (1.0 - 1.0 / TAU) ** PHASE
            end = prune_step(int(PHASE), w_old) if phases > 1 else steps
            lifetimes += [(-1, end)] * int(inside.sum())
    for born, dead in lifetimes:
        counts += (checks >= born) & (checks < dead)
    return counts


def main(argv=None):
    """Runs the example; returns the synapse counts (measured and predicted) at key times."""
    args = parse_args(__doc__, argv, duration=800.0)
    phases = max(1, int(round(args.duration / PHASE)))
    ann.clear()
    ann.setup(dt=1.0, seed=3, structural_plasticity=True)
    rate = ann.Neuron(parameters="r0 = 0.0", equations="r = r0", name="fixed rate")
    pre = ann.Population(NEURONS, rate, name="pre")
    post = ann.Population(NEURONS, rate, name="post")
    proj = ann.Projection(pre, post, "exc", plastic_synapse(), name="plastic")
    proj.connect_fixed_number_pre(FAN_IN, W_INIT)
    ann.compile()
    initial = proj.connectivity_matrix() != 0.0
    snapshots = {0.0: proj.connectivity_matrix(fill=np.nan)}
    proj.start_creating(period=PERIOD)
    proj.start_pruning(period=PERIOD)
    counts = []
    for phase in range(phases):
        pre.r0 = activity(phase)
        post.r0 = activity(phase)
        for _ in range(int(PHASE / PERIOD)):
            ann.simulate(PERIOD)
            counts.append(proj.nb_synapses)  # after the check at the first step of the chunk
            now = ann.get_time()
            if now in (100.0, PHASE + 100.0):
                snapshots[now] = proj.connectivity_matrix(fill=np.nan)
    snapshots[ann.get_time()] = proj.connectivity_matrix(fill=np.nan)
    counts = np.array(counts)
    predicted = predicted_counts(initial, phases)
    checks = np.arange(counts.size) * PERIOD

    final = ~np.isnan(snapshots[ann.get_time()])
    last = activity(phases - 1).astype(bool)
    figures = {
        "initial": int(initial.sum()),
        "initial_inside_first_assembly": int((initial & np.outer(activity(0), activity(0)).astype(bool)).sum()),
        "after_first_check": int(counts[0]),
        "after_first_pruning": int(counts[int(prune_step(0, W_INIT) / PERIOD)]),
        "final": int(counts[-1]),
        "final_in_last_assembly": int((final & np.outer(last, last)).sum()),
        "first_pruning_ms": float(checks[np.flatnonzero(counts < counts[0])[0]]),
        "mismatches": int(np.count_nonzero(counts != predicted)),
    }
    if phases > 1:
        after = checks >= PHASE
        drop = np.flatnonzero(after & (counts < np.max(counts[after])))
        figures["learned_pruning_ms"] = float(checks[drop[0]] - PHASE)
    print(f"synapses: {figures['initial']} at t = 0 ({figures['initial_inside_first_assembly']} inside the first "
          f"assembly), {figures['after_first_check']} after the first check, {figures['after_first_pruning']} "
          f"after the first pruning at t = {figures['first_pruning_ms']:g} ms, {figures['final']} at the end "
          f"({figures['final_in_last_assembly']} inside the last assembly)")
    if phases > 1:
        print(f"an unused assembly is pruned {figures['learned_pruning_ms']:g} ms into the next phase")
    print(f"checks where the count differs from the hand computation: {figures['mismatches']} of {counts.size}")

    plt = pyplot()
    fig = plt.figure(figsize=(12, 8))
    grid = fig.add_gridspec(2, len(snapshots), height_ratios=[1.2, 1])
    cmap = plt.get_cmap("viridis").with_extremes(bad="white")
    for i, (time, matrix) in enumerate(sorted(snapshots.items())):
        ax = fig.add_subplot(grid[0, i])
        image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(f"t = {time:g} ms: {int(np.count_nonzero(~np.isnan(matrix)))} synapses", fontsize=10)
        ax.set_xlabel("pre neuron")
        if i == 0:
            ax.set_ylabel("post neuron")
    fig.colorbar(image, cax=fig.add_axes([0.88, 0.55, 0.015, 0.38]), label="w (white: no synapse)")
    ax = fig.add_subplot(grid[1, :])
    top = max(counts.max(), predicted.max())
    ax.step(checks, counts, where="post", color="C0", lw=3, alpha=0.5, label="nb_synapses after each check")
    ax.step(checks, predicted, where="post", color="k", ls="--", lw=1, label="hand computation")
    ax.plot([0.0], [figures["initial"]], "ko", ms=4, label="initial (random, 4 per neuron)")
    for phase in range(phases):
        if phase % 2 == 0:
            ax.axvspan(phase * PHASE, (phase + 1) * PHASE, color="0.93", zorder=0)
        ax.text((phase + 0.02) * PHASE, top * 1.08, f"assembly {phase % (NEURONS // BLOCK)} active", fontsize=8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("synapses")
    ax.set_ylim(0, top * 1.2)
    ax.set_title("Creating between co-active neurons (t = phase start), pruning once w stayed < 0.05 for 20 ms")
    ax.legend(loc="lower center", ncol=3, fontsize=9)
    fig.subplots_adjust(left=0.07, right=0.85, top=0.95, bottom=0.08, hspace=0.35, wspace=0.3)
    save_figure(fig, "structural_plasticity.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
