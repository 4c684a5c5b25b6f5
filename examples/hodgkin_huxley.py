"""The Hodgkin-Huxley neuron driven by current steps: spikes, gating variables and f-I curve.

The squid giant axon model of Hodgkin & Huxley (1952, J. Physiol. 117:500), in the modern
convention (rest at -65 mV): C = 1 uF/cm2, gNa = 120, gK = 36, gL = 0.3 mS/cm2,
ENa = 50, EK = -77, EL = -54.387 mV, with the original rate functions of m, h and n.
The equations are written as an ``ann.Neuron`` (the built-in ``HH_cond_exp`` uses other,
cortical, parameters) and integrated with ``rk4`` at dt = 0.025 ms. A spike is an upward
crossing of 0 mV. Every neuron rests until t = 20 ms, then receives a current step of its
own amplitude until 30 ms before the end.

* Four neurons (1.5, 3, 8 and 15 uA/cm2) show the membrane potential and, for 8 uA/cm2,
  the gating variables m, h, n.
* A grid of neurons (0 to 20 uA/cm2) gives the f-I curve: the firing frequency over the
  second half of the step.

Expected result (the literature): a single spike for steps above about 2.2 uA/cm2
(2.2 - 2.25 for this protocol; the grid reports its first point above);
repetitive firing from about 6.26 uA/cm2 on (the saddle-node of periodic orbits of the
model, Rinzel & Miller 1980), where the frequency jumps from 0 to about 50 Hz (class 2
excitability, Hodgkin 1948), then grows slowly (about 68 Hz at 10, 86 Hz at 20 uA/cm2);
spikes peak near +40 mV, about 105 mV above rest. The four demonstration steps give
0, 1, 29 and 36 spikes over the 450 ms step of the default 500 ms run (0, 1, 10 and 12 over
the 150 ms step of a 200 ms run, the same spike steps as ANNarchy 4.8.2:
docs/reference_facts.md section U1).

    python examples/hodgkin_huxley.py [--duration MS] [--step UA] [--imax UA] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.hodgkin_huxley (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

DT = 0.025  # ms
T_ON = 20.0  # ms, start of the current step
TAIL = 30.0  # ms of rest after the step
V_REST = -65.0  # mV
DEMO_CURRENTS = (1.5, 3.0, 8.0, 15.0)  # uA/cm2

# The rate functions (1/ms) of Hodgkin & Huxley, v in mV. They are declared as functions, so
# that rk4 evaluates them at each of its intermediate stages (an assignment such as
# ``am = ...`` would be computed once per step, making the method first order).
RATES = """
alpha_m(v) = 0.1 * (v + 40.0) / (1.0 - exp(-(v + 40.0) / 10.0))
beta_m(v) = 4.0 * exp(-(v + 65.0) / 18.0)
alpha_h(v) = 0.07 * exp(-(v + 65.0) / 20.0)
beta_h(v) = 1.0 / (1.0 + exp(-(v + 35.0) / 10.0))
alpha_n(v) = 0.01 * (v + 55.0) / (1.0 - exp(-(v + 55.0) / 10.0))
beta_n(v) = 0.125 * exp(-(v + 65.0) / 80.0)
"""


def steady_gates(v):
    """Steady-state values (m, h, n) of the gates at the potential ``v`` (mV)."""
    am = 0.1 * (v + 40.0) / (1.0 - np.exp(-(v + 40.0) / 10.0))
    bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    an = 0.01 * (v + 55.0) / (1.0 - np.exp(-(v + 55.0) / 10.0))
    bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def hh_neuron(t_off):
    """The HH neuron; ``I_amp`` (uA/cm2) is applied from T_ON to ``t_off`` (ms)."""
    m0, h0, n0 = (float(g) for g in steady_gates(V_REST))
    return ann.Neuron(
        parameters=f"""
            C = 1.0 : population
            gNa = 120.0 : population
            gK = 36.0 : population
            gL = 0.3 : population
            ENa = 50.0 : population
            EK = -77.0 : population
            EL = -54.387 : population
            t_on = {T_ON} : population
            t_off = {t_off} : population
            I_amp = 0.0
        """,
        equations=f"""
            prev_v = v
            I = ite((t >= t_on) and (t < t_off), I_amp, 0.0)
            dm/dt = alpha_m(v) * (1.0 - m) - beta_m(v) * m : rk4, init = {m0!r}
            dh/dt = alpha_h(v) * (1.0 - h) - beta_h(v) * h : rk4, init = {h0!r}
            dn/dt = alpha_n(v) * (1.0 - n) - beta_n(v) * n : rk4, init = {n0!r}
            C * dv/dt = I - gNa * m**3 * h * (v - ENa) - gK * n**4 * (v - EK) - gL * (v - EL) : rk4, init = {V_REST}
        """,
        spike="(v > 0.0) and (prev_v <= 0.0)",
        functions=RATES,
        name="Hodgkin-Huxley 1952",
    )


def build(duration, currents):
    """Simulates the f-I grid and the demonstration neurons (one population: the grid, then
    the DEMO_CURRENTS); returns the recordings of the demonstration neurons (v, gates and
    spikes, ranks keyed from ``len(currents)``) and the spikes of the grid."""
    ann.clear()
    ann.setup(dt=DT, seed=1)
    n = len(currents)
    pop = ann.Population(n + len(DEMO_CURRENTS), hh_neuron(duration - TAIL), name="hh")
    pop.I_amp = np.concatenate([currents, DEMO_CURRENTS])
    m_demo = ann.Monitor(pop[n:], ["v", "m", "h", "n", "spike"])
    m_grid = ann.Monitor(pop[:n], "spike")
    ann.compile()
    ann.simulate(duration)
    return m_demo.get(), m_grid.get("spike")


def spike_times(spikes, rank):
    """Spike times (ms) of ``rank`` from a spike recording (steps)."""
    return np.asarray(spikes[rank], dtype=float) * DT


def late_frequency(times, start, stop):
    """Firing frequency (Hz) over [start, stop): 1000 / mean ISI of the spikes there
    (0 with fewer than two spikes)."""
    late = times[(times >= start) & (times < stop)]
    return 1000.0 / float(np.mean(np.diff(late))) if late.size > 1 else 0.0


def main(argv=None):
    """Runs the example; returns the thresholds, frequencies, spike peak and spike counts."""

    def extra(parser):
        parser.add_argument("--step", type=float, default=0.1, help="current step of the f-I grid (uA/cm2, default 0.1)")
        parser.add_argument("--imax", type=float, default=20.0, help="largest current of the grid (uA/cm2, default 20)")

    args = parse_args(__doc__, argv, duration=500.0, extra=extra)
    t_off = args.duration - TAIL
    currents = np.round(np.arange(0.0, args.imax + args.step / 2, args.step), 10)
    demo, grid_spikes = build(args.duration, currents)

    half = 0.5 * (T_ON + t_off)  # the f-I curve uses the second half of the step
    counts = np.array([len(grid_spikes[i]) for i in range(len(currents))])
    freqs = np.array([late_frequency(spike_times(grid_spikes, i), half, t_off) for i in range(len(currents))])
    firing, repetitive = np.flatnonzero(counts > 0), np.flatnonzero(freqs > 0)
    figures = {
        "threshold_single": float(currents[firing[0]]) if firing.size else float("nan"),
        "threshold_repetitive": float(currents[repetitive[0]]) if repetitive.size else float("nan"),
        "onset_frequency_hz": float(freqs[repetitive[0]]) if repetitive.size else 0.0,
    }
    for level in (10.0, 20.0):
        hit = np.flatnonzero(np.isclose(currents, level))
        if hit.size:
            figures[f"frequency_{level:g}_hz"] = float(freqs[hit[0]])
    v = demo["v"]
    t = np.arange(1, v.shape[0] + 1) * DT  # the recorded values follow each step
    rest = float(v[int(T_ON / DT) - 1, 0])
    figures["rest_mv"] = rest
    figures["spike_peak_mv"] = float(v[:, DEMO_CURRENTS.index(8.0)].max())
    figures["spike_amplitude_mv"] = figures["spike_peak_mv"] - rest
    for i, amp in enumerate(DEMO_CURRENTS):
        figures[f"spikes_at_{amp:g}"] = len(demo["spike"][len(currents) + i])

    print(f"rest {rest:.2f} mV; spike peak {figures['spike_peak_mv']:.1f} mV "
          f"(amplitude {figures['spike_amplitude_mv']:.1f} mV, expected ~ +40 mV / ~105 mV)")
    print(f"single-spike threshold {figures['threshold_single']:.2f} uA/cm2 (expected ~2.2)")
    print(f"repetitive firing from {figures['threshold_repetitive']:.2f} uA/cm2 (expected ~6.26) "
          f"at {figures['onset_frequency_hz']:.1f} Hz (expected ~50 Hz)")
    for key in ("frequency_10_hz", "frequency_20_hz"):
        if key in figures:
            print(f"{key}: {figures[key]:.1f} Hz")
    print("spikes per step: " + ", ".join(f"{a:g} uA/cm2 -> {figures[f'spikes_at_{a:g}']}" for a in DEMO_CURRENTS))

    plt = pyplot()
    fig = plt.figure(figsize=(12, 7))
    grid = fig.add_gridspec(2, 2)
    ax_v, ax_g, ax_f = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    for i, amp in enumerate(DEMO_CURRENTS):
        ax_v.plot(t, v[:, i] + 120.0 * i, lw=1, color=f"C{i}")
        ax_v.text(args.duration + 5.0, V_REST + 120.0 * i,
                  f"{amp:g} uA/cm2\n{figures[f'spikes_at_{amp:g}']} spike" + ("" if figures[f"spikes_at_{amp:g}"] == 1 else "s"),
                  color=f"C{i}", va="center", fontsize=9)
    ax_v.axvspan(T_ON, t_off, color="0.92", zorder=0)
    ax_v.set_xlim(0.0, args.duration * 1.1)
    ax_v.set_xlabel("time (ms)")
    ax_v.set_ylabel("v (mV), each trace 120 mV above the last")
    ax_v.set_title("Membrane potential for four current steps (grey: step on)")
    k = DEMO_CURRENTS.index(8.0)
    window = (t >= T_ON - 5.0) & (t <= T_ON + 60.0)
    for gate in ("m", "h", "n"):
        ax_g.plot(t[window], demo[gate][window, k], label=gate)
    ax_g.set_xlabel("time (ms)")
    ax_g.set_ylabel("gating variable")
    ax_g.set_title("Gates at 8 uA/cm2 (first spikes)")
    ax_g.legend()
    ax_f.plot(currents, freqs, "k.-", ms=3)
    ax_f.axvline(figures["threshold_repetitive"], color="C3", ls="--",
                 label=f"repetitive firing from {figures['threshold_repetitive']:.2f} uA/cm2")
    ax_f.set_xlabel("step current (uA/cm2)")
    ax_f.set_ylabel("frequency in the 2nd half of the step (Hz)")
    ax_f.set_title("f-I curve: a jump to ~50 Hz (class 2)")
    ax_f.legend(loc="lower right")
    fig.tight_layout()
    save_figure(fig, "hodgkin_huxley.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
