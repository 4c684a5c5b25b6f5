"""Action selection in a basal-ganglia loop: the most salient channel is disinhibited.

Model: the rate-coded basal ganglia of Gurney, Prescott & Redgrave (2001, Biol. Cybern.
84:401-423), closed through the thalamus back to the cortex (the loop of Humphries & Gurney
2002, without the thalamic reticular nucleus).
Every nucleus has one leaky unit per action channel, ``tau dU/dt = -U + input`` (tau = 10 ms),
with the piecewise-linear output ``r = clip(U - eps, 0, 1)``. Weights (GPR 2001):

* cortex -> striatum D1 (1 + lambda = 1.2), cortex -> striatum D2 (1 - lambda = 0.8), lambda = 0.2
  (dopamine), eps = 0.2 in both; cortex -> STN (1.0), eps = -0.25;
* direct path: D1 -| GPi/SNr (1.0); indirect path: D2 -| GPe (1.0), GPe -| STN (1.0),
  GPe -| GPi (0.3); STN -> GPe and STN -> GPi diffuse, to every channel (0.9); eps = -0.2;
* loop: GPi -| thalamus (2.0), cortex -> thalamus (1.0), thalamus -> cortex (0.5); the
  cortex also gets the salience S of each channel.

The GPi/SNr fires tonically and inhibits the thalamus; a salient channel drives its D1 neurons,
which silence its GPi neurons, so its thalamic neurons are released (disinhibition) while the
diffuse STN excitation raises the GPi activity of the other channels. Phases of equal length:
rest (S = 0, 0, 0), S = (0.4, 0.2, 0.1), then channel 2 becomes the most salient (0.4, 0.6, 0.1),
then channels 1 and 2 are equally salient (0.5, 0.5, 0.1): the channel selected before keeps
the selection (hysteresis through the thalamocortical loop).

A second, open-loop run (no thalamus -> cortex feedback, S = 0.5 on all three channels)
checks the steady state against the fixed point computed by hand (every unit in its linear
range): D1 = 1.2 c - 0.2 = 0.4, D2 = 0.8 c - 0.2 = 0.2, STN = (c + 0.05 + D2) / 3.7 = 0.2027,
GPe = 0.2 + 2.7 STN - D2 = 0.5473, GPi = 0.2 + 2.7 STN - D1 - 0.3 GPe = 0.1831,
thalamus = c - 2 GPi = 0.1338.

Expected result (rates at the end of each phase): no channel selected at rest (thalamus 0;
GPi 0.1655 = 0.2 + 2.7 STN - 0.3 GPe with STN = 0.05 / 3.7, GPe = 0.2 + 2.7 STN); channel 1
selected in phase 2 (thalamus 0.8 = S1 / (1 - 0.5) with its GPi silent, the others 0);
channel 2 in phases 3 and 4 (thalamus 1.0, its cortex saturated; the others 0); the open-loop
steady state equals the hand-computed fixed point to ~1e-15.

    python examples/basal_ganglia.py [--duration MS] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.basal_ganglia (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

CHANNELS = 3
PHASES = ((0.0, 0.0, 0.0), (0.4, 0.2, 0.1), (0.4, 0.6, 0.1), (0.5, 0.5, 0.1))
PHASE_NAMES = ("rest", "channel 1 salient", "channel 2 more salient", "equal saliences")
# offsets eps of the output ramp r = clip(U - eps, 0, 1) (GPR 2001)
OFFSETS = {"cortex": 0.0, "D1": 0.2, "D2": 0.2, "STN": -0.25, "GPe": -0.2, "GPi": -0.2, "thalamus": 0.0}
LAMBDA = 0.2  # dopamine level
CHECK_SALIENCE = 0.5  # open-loop check: the same salience on every channel
CHECK_DURATION = 500.0  # ms; the slowest mode decays as 0.915**steps (see the tests)

UNIT = ann.Neuron(
    parameters="""
        tau = 10.0 : population
        eps = 0.0 : population
        S = 0.0
    """,
    equations="""
        tau * dU/dt = -U + sum(exc) - sum(inh) + S
        r = clip(U - eps, 0.0, 1.0)
    """,
    name="GPR unit",
    description="leaky unit with a piecewise-linear output (Gurney, Prescott & Redgrave 2001)",
)


def connect(pre, post, target, weight, diffuse=False):
    proj = ann.Projection(pre, post, target)
    if diffuse:
        proj.connect_all_to_all(weights=weight)
    else:
        proj.connect_one_to_one(weights=weight)
    return proj


def build(loop_weight):
    """The seven nuclei with one unit per channel; returns them by name (uncompiled)."""
    nuclei = {}
    for name, eps in OFFSETS.items():
        nuclei[name] = ann.Population(CHANNELS, UNIT, name=name)
        nuclei[name].eps = eps
    ctx, d1, d2, stn, gpe, gpi, thal = (nuclei[n] for n in OFFSETS)
    connect(ctx, d1, "exc", 1.0 + LAMBDA)
    connect(ctx, d2, "exc", 1.0 - LAMBDA)
    connect(ctx, stn, "exc", 1.0)
    connect(gpe, stn, "inh", 1.0)
    connect(stn, gpe, "exc", 0.9, diffuse=True)
    connect(d2, gpe, "inh", 1.0)
    connect(stn, gpi, "exc", 0.9, diffuse=True)
    connect(d1, gpi, "inh", 1.0)
    connect(gpe, gpi, "inh", 0.3)
    connect(ctx, thal, "exc", 1.0)
    connect(gpi, thal, "inh", 2.0)
    if loop_weight:
        connect(thal, ctx, "exc", loop_weight)
    return nuclei


def run_selection(duration):
    """The closed loop through the salience phases; returns the recorded rates (steps, 3)."""
    ann.clear()
    ann.setup(dt=1.0, seed=1)
    nuclei = build(loop_weight=0.5)
    monitors = {name: ann.Monitor(nuclei[name], "r") for name in ("cortex", "GPi", "thalamus")}
    ann.compile()
    for saliences in PHASES:
        nuclei["cortex"].S = np.array(saliences)
        ann.simulate(duration / len(PHASES))
    return {name: m.get("r") for name, m in monitors.items()}


def run_check():
    """The open loop with the same salience on every channel; returns the final rates."""
    ann.clear()
    ann.setup(dt=1.0, seed=1)
    nuclei = build(loop_weight=0.0)
    nuclei["cortex"].S = CHECK_SALIENCE
    ann.compile()
    ann.simulate(CHECK_DURATION)
    return {name: np.array(pop.r) for name, pop in nuclei.items()}


def hand_fixed_point(c):
    """The open-loop fixed point for salience c on every channel, every unit in its linear
    range (r = U - eps): the formulas of the module docstring."""
    d1 = (1.0 + LAMBDA) * c - 0.2
    d2 = (1.0 - LAMBDA) * c - 0.2
    stn = (c + 0.05 + d2) / (1.0 + 0.9 * CHANNELS)  # STN = c + 0.25 - GPe, GPe = 0.2 + 2.7 STN - D2
    gpe = 0.2 + 0.9 * CHANNELS * stn - d2
    gpi = 0.2 + 0.9 * CHANNELS * stn - d1 - 0.3 * gpe
    return {"cortex": c, "D1": d1, "D2": d2, "STN": stn, "GPe": gpe, "GPi": gpi, "thalamus": c - 2.0 * gpi}


def phase_summary(rates, steps_per_phase):
    """Thalamic and GPi rates at the last step of each phase: (phases, 3) each."""
    ends = (np.arange(len(PHASES)) + 1) * steps_per_phase - 1
    return rates["thalamus"][ends], rates["GPi"][ends]


def main(argv=None):
    """Runs the example; returns the key figures (selected channel and thalamic rates per
    phase, the open-loop steady state and its distance to the hand-computed fixed point)."""
    args = parse_args(__doc__, argv, duration=2000.0)
    rates = run_selection(args.duration)
    steps_per_phase = rates["thalamus"].shape[0] // len(PHASES)
    thal, gpi = phase_summary(rates, steps_per_phase)
    figures = {}
    print(f"{'phase':24s} {'saliences':18s} {'thalamus (1, 2, 3)':24s} {'GPi (1, 2, 3)':22s} selected")
    for p, saliences in enumerate(PHASES):
        selected = int(np.argmax(thal[p])) + 1 if thal[p].max() > 0.1 else 0
        losers = np.delete(thal[p], np.argmax(thal[p]))
        figures[f"selected_{p}"] = selected
        figures[f"winner_thalamus_{p}"] = float(thal[p].max())
        figures[f"loser_thalamus_{p}"] = float(losers.max())
        figures[f"max_gpi_{p}"] = float(gpi[p].max())
        print(f"{PHASE_NAMES[p]:24s} {str(saliences):18s} {np.array2string(thal[p], precision=3):24s} "
              f"{np.array2string(gpi[p], precision=3):22s} {selected or 'none'}")

    steady = run_check()
    expected = hand_fixed_point(CHECK_SALIENCE)
    error = max(float(np.max(np.abs(steady[n] - expected[n]))) for n in OFFSETS)
    figures.update({f"fixed_point_{n}": float(steady[n][0]) for n in OFFSETS})
    figures["fixed_point_error"] = error
    print(f"open loop, S = {CHECK_SALIENCE} on every channel, after {CHECK_DURATION:g} ms:")
    for n in OFFSETS:
        print(f"  {n:9s} r = {steady[n][0]:.6f}   hand-computed fixed point {expected[n]:.6f}")
    print(f"max |r - fixed point| = {error:.2e}")

    plot(rates, steps_per_phase, steady, expected, args.outdir)
    return figures


def plot(rates, steps_per_phase, steady, expected, outdir):
    plt = pyplot()
    t = np.arange(1, rates["thalamus"].shape[0] + 1) * ann.dt()
    fig, axes = plt.subplots(2, 2, figsize=(12, 7), gridspec_kw={"width_ratios": [3, 1]})
    colours = ("tab:blue", "tab:orange", "tab:green")
    for row, (name, label) in enumerate((("thalamus", "thalamus r"), ("GPi", "GPi/SNr r (inhibitory output)"))):
        ax = axes[row, 0]
        for c in range(CHANNELS):
            ax.plot(t, rates[name][:, c], color=colours[c], label=f"channel {c + 1}")
        for p in range(1, len(PHASES)):
            ax.axvline(p * steps_per_phase * ann.dt(), color="0.6", ls=":")
        ax.set_ylabel(label)
        ax.set_ylim(-0.05, 1.05)
        ax.legend(loc="upper left", fontsize=8)
    for p, saliences in enumerate(PHASES):
        axes[0, 0].text((p + 0.5) * steps_per_phase * ann.dt(), 1.08, f"S = {saliences}",
                        ha="center", va="bottom", fontsize=8)
    axes[1, 0].set_xlabel("time (ms)")
    axes[0, 0].set_title("selection and switching (closed loop)", pad=18)
    ax = axes[0, 1]
    names = list(OFFSETS)
    x = np.arange(len(names))
    ax.bar(x - 0.2, [steady[n][0] for n in names], 0.4, label="simulated")
    ax.bar(x + 0.2, [expected[n] for n in names], 0.4, label="hand-computed")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=45, fontsize=8)
    ax.set_ylabel("r at steady state")
    ax.set_title(f"open loop, S = {CHECK_SALIENCE} on all channels", fontsize=9)
    ax.set_ylim(0.0, 0.75)
    ax.legend(fontsize=8, ncol=2, loc="upper right")
    ax = axes[1, 1]
    ax.plot(t, rates["cortex"])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("cortex r")
    ax.set_title("cortex (salience + thalamic feedback)", fontsize=9)
    fig.tight_layout()
    save_figure(fig, "basal_ganglia.png", outdir)


if __name__ == "__main__":
    main()
