"""Firing patterns of the adaptive exponential integrate-and-fire (AdEx) neuron.

The AdEx model (Brette & Gerstner 2005), written as an ``ann.Neuron``::

    C dv/dt = -gL (v - EL) + gL delta_T exp((v - VT) / delta_T) - w + I
    tau_w dw/dt = a (v - EL) - w
    spike when v >= 0 mV, then v = Vr and w += b

in pF, nS, mV, ms and pA. One neuron per parameter set of Naud, Marcille, Clopath &
Gerstner (2008, Biol. Cybern. 99:335, Table 1): tonic spiking, adaptation, initial burst,
regular bursting, delayed accelerating, delayed regular bursting and transient spiking,
each receiving its own current step from t = 20 ms on (explicit Euler, dt = 0.02 ms).

Each spike train is summarised by the adaptation (accommodation) index of Druckmann et al.
(2007), A = mean of (ISI[i+1] - ISI[i]) / (ISI[i+1] + ISI[i]) after discarding the first
k = min(4, n_ISI // 5) intervals (A > 0: the firing slows down, A < 0: it speeds up), by
the ratio of the last to the first interval, and classified with simple rules (see
``classify``): transient (firing stops in the first half of the step), bursting (the
intervals of the second half differ by more than 3x), initial burst (one of the first
three intervals is followed by one more than 3x longer), then adapting / accelerating /
tonic from the ratio of the last to the first interval (above 1.5 / below 0.8 / between).

Expected result: each neuron falls in the class of its figure in Naud et al. (2008, Fig. 4):
tonic (A ~ 0), adapting (A ~ 0.12, intervals growing ~6x), initial burst (two short
intervals, then regular), bursting, accelerating (A < 0, intervals shrinking to ~0.6x),
bursting, transient (one spike).

    python examples/adex_firing_patterns.py [--duration MS] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.adex_firing_patterns (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

DT = 0.02  # ms
T_ON = 20.0  # ms, start of the current step
V_PEAK = 0.0  # mV, where a spike is cut

PARAMETERS = ("C", "gL", "EL", "VT", "delta_T", "a", "tau_w", "b", "Vr", "I_step")
# Naud et al. 2008, Table 1: C (pF), gL (nS), EL, VT, delta_T (mV), a (nS), tau_w (ms), b (pA),
# Vr (mV), I (pA); with the class each pattern should get from ``classify``.
PATTERNS = {
    "tonic spiking": ((200, 10, -70, -50, 2, 2, 30, 0, -58, 500), "tonic"),
    "adaptation": ((200, 12, -70, -50, 2, 2, 300, 60, -58, 500), "adapting"),
    "initial burst": ((130, 18, -58, -50, 2, 4, 150, 120, -50, 400), "initial burst"),
    "regular bursting": ((200, 10, -58, -50, 2, 2, 120, 100, -46, 210), "bursting"),
    "delayed accelerating": ((200, 12, -70, -50, 2, -10, 300, 0, -58, 300), "accelerating"),
    "delayed regular bursting": ((100, 10, -65, -50, 2, -10, 90, 30, -47, 110), "bursting"),
    "transient spiking": ((100, 10, -65, -50, 2, 10, 90, 100, -47, 180), "transient"),
}


def adex_neuron():
    """The AdEx neuron with per-neuron parameters; the step ``I_step`` starts at T_ON."""
    return ann.Neuron(
        parameters="\n".join(f"{name} = 0.0" for name in PARAMETERS)
        + f"\nv_peak = {V_PEAK} : population\nt_on = {T_ON} : population",
        equations="""
            I = ite(t >= t_on, I_step, 0.0)
            C * dv/dt = -gL * (v - EL) + gL * delta_T * exp((v - VT) / delta_T) - w + I : init = -70.0
            tau_w * dw/dt = a * (v - EL) - w
        """,
        spike="v >= v_peak",
        reset="v = Vr\nw += b",
        name="AdEx",
    )


def adaptation_index(isi):
    """Druckmann et al. (2007): mean of (isi[i+1] - isi[i]) / (isi[i+1] + isi[i]) over the
    intervals after the first k = min(4, len(isi) // 5); NaN with fewer than 3 intervals."""
    isi = np.asarray(isi, dtype=float)
    if isi.size < 3:
        return float("nan")
    rest = isi[min(4, isi.size // 5):]
    return float(np.mean(np.diff(rest) / (rest[1:] + rest[:-1])))


def classify(times, t_on, t_end):
    """Class of a spike train (times in ms) for a step from ``t_on`` to ``t_end`` (ms)."""
    half = 0.5 * (t_on + t_end)
    if times.size < 3 or times[-1] < half:
        return "transient"
    isi = np.diff(times)
    late = isi[times[:-1] >= half]
    if late.size >= 2 and late.max() > 3.0 * late.min():
        return "bursting"
    if isi.size >= 2 and np.max(isi[1:4] / isi[:3][: isi[1:4].size]) > 3.0:
        return "initial burst"
    ratio = isi[-1] / isi[0]
    return "adapting" if ratio > 1.5 else "accelerating" if ratio < 0.8 else "tonic"


def build(duration):
    """Simulates one AdEx neuron per pattern; returns the recorded v (steps x patterns) and
    the spike steps of each neuron."""
    ann.clear()
    ann.setup(dt=DT, seed=1)
    pop = ann.Population(len(PATTERNS), adex_neuron(), name="adex")
    values = np.array([p for p, _ in PATTERNS.values()], dtype=float)
    for j, name in enumerate(PARAMETERS):
        setattr(pop, name, values[:, j])
    pop.v = values[:, PARAMETERS.index("EL")]  # each neuron starts at rest
    monitor = ann.Monitor(pop, ["v", "spike"])
    ann.compile()
    ann.simulate(duration)
    data = monitor.get()
    return data["v"], data["spike"]


def main(argv=None):
    """Runs the example; returns per pattern its adaptation index, ISI ratio, spike count,
    first-spike latency and class (keys ``'<pattern>: <figure>'``)."""
    args = parse_args(__doc__, argv, duration=520.0)
    v, spikes = build(args.duration)
    t = np.arange(1, v.shape[0] + 1) * DT
    figures = {}
    print(f"{'pattern':26s} {'spikes':>6s} {'latency':>8s} {'A':>7s} {'ISI last/first':>14s}  class (expected)")
    for i, (pattern, (_, expected)) in enumerate(PATTERNS.items()):
        times = np.asarray(spikes[i], dtype=float) * DT
        isi = np.diff(times)
        kind = classify(times, T_ON, args.duration)
        result = {
            "spikes": int(times.size),
            "latency": float(times[0] - T_ON) if times.size else float("nan"),
            "A": adaptation_index(isi),
            "isi_ratio": float(isi[-1] / isi[0]) if isi.size >= 2 else float("nan"),
            "class": kind,
        }
        figures.update({f"{pattern}: {key}": value for key, value in result.items()})
        print(f"{pattern:26s} {result['spikes']:6d} {result['latency']:8.1f} {result['A']:7.3f} "
              f"{result['isi_ratio']:14.2f}  {kind} ({expected})")

    plt = pyplot()
    fig, axes = plt.subplots(4, 2, figsize=(12, 11))
    for i, (ax, pattern) in enumerate(zip(axes.flat, PATTERNS, strict=False)):
        trace = v[:, i].copy()
        steps = np.asarray(spikes[i], dtype=int)
        trace[steps[steps < trace.size]] = V_PEAK  # draw each spike up to the cut (the reset follows at once)
        ax.plot(t, trace, "k", lw=0.8)
        ax.axvline(T_ON, color="C3", lw=0.8, ls=":")
        a = figures[f"{pattern}: A"]
        ax.set_title(f"{pattern}: {figures[f'{pattern}: class']}" + (f", A = {a:.3f}" if np.isfinite(a) else ""),
                     fontsize=10)
        ax.set_ylabel("v (mV)")
        ax.set_ylim(-80.0, 5.0)
    for ax in axes[-1]:
        ax.set_xlabel("time (ms)")
    ax = axes.flat[-1]
    names = list(PATTERNS)
    index = np.array([figures[f"{p}: A"] for p in names])
    shown = np.nan_to_num(index)
    ax.barh(range(len(names)), shown, color=["C3" if a < 0 else "C0" for a in shown])
    for k, (name, a) in enumerate(zip(names, index, strict=True)):
        label = figures[f"{name}: class"] + ("" if np.isfinite(a) else " (A undefined)")
        ax.text(max(shown.max(), 0.0) * 1.02, k, label, va="center", fontsize=8)
    ax.set_yticks(range(len(names)), [n.replace("delayed ", "delayed\n") for n in names], fontsize=8)
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_xlim(min(shown.min(), 0.0) * 1.3 - 0.01, max(shown.max(), 0.0) * 1.6 + 0.01)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("adaptation index A (Druckmann et al. 2007)")
    ax.set_title("adaptation index and class of each pattern", fontsize=10)
    fig.suptitle("AdEx firing patterns (Naud et al. 2008, Table 1); step current from t = 20 ms (dotted)")
    fig.tight_layout()
    save_figure(fig, "adex_firing_patterns.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
