"""Electrical coupling by gap junctions: passive cells equalise, spiking neurons synchronise.

A gap junction passes a current proportional to the voltage difference of the two cells.
It is written as a synapse with only ``psp = "w * (pre.v - post.v)"``, connected in both
directions; the receiving neuron adds ``sum(gap)`` (rate-coded) or the conductance
``g_gap`` (spiking) to its membrane equation.

1. Passive cells: pairs of leaky membranes ``tau dv/dt = EL - v + sum(gap)`` (tau = 10 ms,
   EL = -65 mV, w = coupling / leak conductance = 0, 0.25, 0.5, 1), the first cell of each
   pair starting 10 mV above the second. The mean of a pair relaxes at the rate 1/tau; the
   difference d = v1 - v2 obeys tau dd/dt = -(1 + 2 w) d, so it decays at (1 + 2w)/tau.
   With explicit Euler (dt = 0.025 ms) it follows d_n = d_0 (1 - dt (1 + 2w)/tau)^n exactly.
2. Spiking neurons: two groups of 10 Hodgkin-Huxley neurons (1952 squid axon parameters,
   rk4) driven by 10 uA/cm2 from staggered onsets spread over one firing period, so that
   they fire out of phase. One group is coupled all-to-all by gap junctions summing to
   0.27 mS/cm2 per neuron (0.03 each with 10 neurons), the other is not.

Expected result: the decay rates of d fitted over the first 30 ms equal (1 + 2w)/tau =
0.1, 0.15, 0.2, 0.3 /ms, up to Euler's own rate -ln(1 - dt (1 + 2w)/tau)/dt, larger by
dt ((1 + 2w)/tau)^2 / 2 (1e-4 to 1e-3 /ms); d follows the discrete formula to rounding
(|error| / d0 ~ 1e-13). The uncoupled neurons keep their spread of spike times (4.2 ms, the
spread of the onsets); the coupled ones fire together after a few cycles (spread below
one step, 0.025 ms, from cycle 9 on; with 4 neurons the spike steps are those of ANNarchy
4.8.2, docs/reference_facts.md section U1).

    python examples/gap_junctions.py [--duration MS] [--neurons N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.gap_junctions (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

DT = 0.025  # ms
TAU, EL, DV0 = 10.0, -65.0, 10.0  # passive cells: ms, mV, initial difference (mV)
COUPLINGS = (0.0, 0.25, 0.5, 1.0)  # passive cells: coupling / leak conductance
I_DRIVE = 10.0  # uA/cm2 for the HH neurons
PERIOD = 14.6  # ms, the HH firing period at I_DRIVE (68 Hz): the onsets spread over it
T_FIRST = 20.0  # ms, the first onset
G_TOTAL = 0.27  # mS/cm2: summed gap conductance of one HH neuron (all-to-all)

GAP = ann.Synapse(psp="w * (pre.v - post.v)", name="gap junction")

PASSIVE = ann.Neuron(
    parameters=f"tau = {TAU} : population\nEL = {EL} : population",
    equations="tau * dv/dt = EL - v + sum(gap) : explicit\nr = v",
    name="passive membrane",
)

# Hodgkin & Huxley's rate functions (1/ms, v in mV), as functions so that rk4 evaluates
# them at each of its stages.
RATES = """
alpha_m(v) = 0.1 * (v + 40.0) / (1.0 - exp(-(v + 40.0) / 10.0))
beta_m(v) = 4.0 * exp(-(v + 65.0) / 18.0)
alpha_h(v) = 0.07 * exp(-(v + 65.0) / 20.0)
beta_h(v) = 1.0 / (1.0 + exp(-(v + 35.0) / 10.0))
alpha_n(v) = 0.01 * (v + 55.0) / (1.0 - exp(-(v + 55.0) / 10.0))
beta_n(v) = 0.125 * exp(-(v + 65.0) / 80.0)
"""


def hh_neuron():
    """HH neuron (C = 1 uF/cm2; gNa, gK, gL = 120, 36, 0.3 mS/cm2; ENa, EK, EL = 50, -77,
    -54.387 mV) receiving I_DRIVE from its own ``t_on`` on, plus the gap current ``g_gap``."""
    return ann.Neuron(
        parameters=f"I_amp = {I_DRIVE} : population\nt_on = 0.0",
        equations="""
            prev_v = v
            I = ite(t >= t_on, I_amp, 0.0)
            dm/dt = alpha_m(v) * (1.0 - m) - beta_m(v) * m : rk4, init = 0.05293248525724958
            dh/dt = alpha_h(v) * (1.0 - h) - beta_h(v) * h : rk4, init = 0.5961207535084603
            dn/dt = alpha_n(v) * (1.0 - n) - beta_n(v) * n : rk4, init = 0.3176769140606974
            dv/dt = I + g_gap - 120.0 * m**3 * h * (v - 50.0) - 36.0 * n**4 * (v + 77.0) - 0.3 * (v + 54.387) : rk4, init = -65.0
        """,
        spike="(v > 0.0) and (prev_v <= 0.0)",
        functions=RATES,
        name="Hodgkin-Huxley 1952",
    )


def onsets(neurons):
    """Onset times (ms) of the drive: spread evenly over one period."""
    return T_FIRST + np.arange(neurons) * PERIOD / neurons


def build(duration, neurons):
    """Simulates the passive pairs and both HH groups; returns the passive v (steps x
    2 * len(COUPLINGS): pair k is columns 2k, 2k + 1) and the spikes of each HH group."""
    ann.clear()
    ann.setup(dt=DT, seed=1)
    passive = ann.Population(2 * len(COUPLINGS), PASSIVE, name="passive")
    passive.v = np.tile([EL + DV0, EL], len(COUPLINGS))
    weights = [[None] * passive.size for _ in range(passive.size)]  # (post, pre); None: no synapse
    for k, w in enumerate(COUPLINGS):
        if w > 0:
            weights[2 * k][2 * k + 1] = weights[2 * k + 1][2 * k] = w  # both directions
    ann.Projection(passive, passive, "gap", GAP, name="passive gap").connect_from_matrix(weights)
    m_passive = ann.Monitor(passive, "v")
    monitors = {}
    for name, g in (("coupled", G_TOTAL), ("uncoupled", 0.0)):
        group = ann.Population(neurons, hh_neuron(), name=name)
        group.t_on = onsets(neurons)
        if g > 0:
            ann.Projection(group, group, "gap", GAP, name=f"{name} gap").connect_all_to_all(g / (neurons - 1))
        monitors[name] = ann.Monitor(group, "spike")
    ann.compile()
    ann.simulate(duration)
    return m_passive.get("v"), {name: m.get("spike") for name, m in monitors.items()}


def spread_per_cycle(spikes, neurons):
    """Standard deviation (ms) across neurons of the time of their k-th spike, for each k
    up to the smallest spike count."""
    k = min(len(spikes[i]) for i in range(neurons))
    times = np.array([np.asarray(spikes[i][:k], dtype=float) * DT for i in range(neurons)])
    return times.std(axis=0)


def main(argv=None):
    """Runs the example; returns the decay rates of the passive differences (fitted and
    analytic), their largest deviation from the discrete solution, and the spike-time
    spreads of both HH groups (first and last cycle)."""

    def extra(parser):
        parser.add_argument("--neurons", type=int, default=10, help="HH neurons per group (default 10)")

    args = parse_args(__doc__, argv, duration=300.0, extra=extra)
    v, spikes = build(args.duration, args.neurons)
    steps = np.arange(1, v.shape[0] + 1)  # row n holds the values after n steps
    t = steps * DT
    figures = {}
    fit = t <= 30.0
    print("passive pairs: decay rate of v1 - v2 (1/ms)")
    for k, w in enumerate(COUPLINGS):
        d = v[:, 2 * k] - v[:, 2 * k + 1]
        exact = DV0 * (1.0 - DT * (1.0 + 2.0 * w) / TAU) ** steps
        rate = -np.polyfit(t[fit], np.log(d[fit]), 1)[0]
        figures[f"rate_w{w:g}"] = float(rate)
        figures[f"analytic_rate_w{w:g}"] = (1.0 + 2.0 * w) / TAU
        figures[f"discrete_error_w{w:g}"] = float(np.max(np.abs(d - exact)) / DV0)
        print(f"  w = {w:4g}: fitted {rate:.5f}, analytic (1 + 2w)/tau = {(1 + 2 * w) / TAU:.5f}, "
              f"max |d - d0 (1 - dt (1+2w)/tau)^n| / d0 = {figures[f'discrete_error_w{w:g}']:.1e}")
    spreads = {name: spread_per_cycle(s, args.neurons) for name, s in spikes.items()}
    for name, s in spreads.items():
        figures[f"{name}_spread_first"] = float(s[0])
        figures[f"{name}_spread_last"] = float(s[-1])
        figures[f"{name}_cycles"] = int(s.size)
        print(f"HH {name}: spike-time spread {s[0]:.3f} ms in cycle 1, {s[-1]:.3f} ms in cycle {s.size}")

    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    ax = axes[0, 0]
    for k, w in enumerate(COUPLINGS[::3]):
        col = 2 * COUPLINGS.index(w)
        ax.plot(t, v[:, col], color=f"C{k}", label=f"w = {w:g}: cell 1")
        ax.plot(t, v[:, col + 1], color=f"C{k}", ls="--", label=f"w = {w:g}: cell 2")
    ax.set_xlim(0.0, 50.0)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("v (mV)")
    ax.set_title("Passive pair: cell 1 starts 10 mV above cell 2")
    ax.legend()
    ax = axes[0, 1]
    for k, w in enumerate(COUPLINGS):
        d = v[:, 2 * k] - v[:, 2 * k + 1]
        ax.semilogy(t, d, color=f"C{k}", lw=3, alpha=0.4, label=f"w = {w:g}: fitted rate {figures[f'rate_w{w:g}']:.4f}/ms")
        ax.semilogy(t, DV0 * np.exp(-(1 + 2 * w) * t / TAU), "k:", lw=1)
    ax.set_xlim(0.0, 50.0)
    ax.set_ylim(1e-5, 20.0)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("v1 - v2 (mV)")
    ax.set_title("Difference: decays at (1 + 2w)/tau (dotted: analytic)")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    for offset, (name, color) in enumerate((("uncoupled", "C0"), ("coupled", "C3"))):
        for i in range(args.neurons):
            times = np.asarray(spikes[name][i], dtype=float) * DT
            ax.plot(times, np.full(times.size, offset * (args.neurons + 2) + i), "|", color=color, ms=5)
    ax.set_yticks([args.neurons / 2, 1.5 * args.neurons + 2], ["uncoupled", "coupled"])
    ax.set_xlabel("time (ms)")
    ax.set_title(f"HH neurons, staggered onsets; coupled: {G_TOTAL} mS/cm2 of gap junctions per neuron")
    ax = axes[1, 1]
    for name, color in (("uncoupled", "C0"), ("coupled", "C3")):
        s = spreads[name]
        ax.semilogy(np.arange(1, s.size + 1), np.maximum(s, 1e-3), "o-", color=color, ms=3, label=name)
    ax.axhline(DT, color="k", ls=":", label="one time step")
    ax.set_xlabel("cycle (k-th spike of each neuron)")
    ax.set_ylabel("spread of spike times (ms, s.d.)")
    ax.set_title("Synchronisation by gap junctions (0 drawn at 1e-3)")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, "gap_junctions.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
