"""Synaptic transmission kinds: instantaneous, exponential and alpha-shaped inputs to the same neuron.

One presynaptic spike reaches three copies of the same passive leaky membrane (tau_m = 20 ms,
E_L = -70 mV), each through another kind of synapse (a projection per target):

* ``inst``: instantaneous. ``g_inst`` has no equation of its own, so it is reset after every
  step (the reference's default conductance): the spike is a current pulse of one time step,
  entered as ``tau_m / dt * g_inst`` so that a weight w moves v by about w mV (exactly
  w tau_m/dt (1 - exp(-dt/tau_m)), the voltage jump w in the limit dt -> 0);
* ``exp``: exponentially decaying current, ``tau_exp dg_exp/dt = -g_exp`` (tau_exp = 5 ms);
* ``alpha``: alpha-shaped current ``w (s/tau_alpha) exp(1 - s/tau_alpha)`` (tau_alpha = 5 ms,
  peak w at s = tau_alpha), built from two linear ODEs: ``tau_alpha dg_alpha/dt = -g_alpha``
  and ``tau_alpha dI_alpha/dt = e g_alpha - I_alpha``.

The membrane reads ``tau_m dv/dt = E_L - v + tau_m/dt g_inst + g_exp + I_alpha`` (currents in
mV), integrated with rk4 together with the synaptic ODEs, dt = 0.1 ms. The weights give every
synapse the same charge, that of a 1-mV jump: w_inst = 1, w_exp = tau_m/tau_exp = 4,
w_alpha = tau_m/(e tau_alpha) = 1.47, so the three PSPs have the same area and differ only
in shape.

The PSPs against their analytic solutions (s = time since the input starts, a = 1/tau_s - 1/tau_m):

* instantaneous: a pulse of height tau_m w/dt on [0, dt], peak w tau_m/dt (1 - exp(-dt/tau_m))
  at s = dt, then exponential decay with tau_m;
* exponential: w tau_s/(tau_m - tau_s) (exp(-s/tau_m) - exp(-s/tau_s)), peak at
  s* = tau_m tau_s/(tau_m - tau_s) ln(tau_m/tau_s) = 9.24 ms;
* alpha: (w e/(tau_m tau_s)) exp(-s/tau_m) (1 - exp(-a s)(1 + a s))/a^2, peak where the PSP
  equals the current (dv/dt = 0), found with a root finder.

The script prints the peak times and amplitudes, simulated and analytic, and the largest
difference between the simulated and analytic traces, and writes ``synaptic_transmission.png``.

Expected result: peaks at 0.1 ms (instantaneous, 0.9975 mV), 9.24 ms (exponential, 0.630 mV)
and 15.58 ms (alpha, 0.553 mV) after the input starts; simulated peak times on the 0.1-ms grid
within half a step of the analytic ones; traces equal to the analytic solutions to about 1e-9 mV.

    python examples/synaptic_transmission.py [--duration MS] [--dt MS] [--outdir DIR] [-j N] [--gpu]
"""

import math

import numpy as np
from scipy.optimize import brentq

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.synaptic_transmission (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

TAU_M, TAU_EXP, TAU_ALPHA, E_L = 20.0, 5.0, 5.0, -70.0  # ms, ms, ms, mV
SPIKE_TIME = 5.0  # ms
KINDS = ("inst", "exp", "alpha")
WEIGHTS = {"inst": 1.0, "exp": TAU_M / TAU_EXP, "alpha": TAU_M / (math.e * TAU_ALPHA)}

MEMBRANE = ann.Neuron(
    parameters=f"""
        tau_m = {TAU_M} : population
        E_L = {E_L} : population
        tau_exp = {TAU_EXP} : population
        tau_alpha = {TAU_ALPHA} : population
        v_thresh = 1000.0 : population
    """,
    equations=f"""
        tau_m * dv/dt = E_L - v + tau_m / dt * g_inst + g_exp + I_alpha : init = {E_L}, rk4
        tau_exp * dg_exp/dt = - g_exp : rk4
        tau_alpha * dg_alpha/dt = - g_alpha : rk4
        tau_alpha * dI_alpha/dt = {math.e} * g_alpha - I_alpha : rk4
    """,
    spike="v > v_thresh",  # never reached: a passive membrane
    name="membrane with three synapse kinds",
)


# ----------------------------------------------------------------------------- analytic PSPs
def psp_inst(s, w, dt):
    """PSP (mV) of a current pulse of height tau_m w/dt lasting from s = 0 to s = dt."""
    s = np.asarray(s, dtype=float)
    rise = TAU_M * w / dt * (1.0 - np.exp(-np.minimum(s, dt) / TAU_M))
    return np.where(s <= dt, rise, rise * np.exp(-(s - dt) / TAU_M))


def psp_exp(s, w):
    """PSP (mV) of the current w exp(-s/tau_exp)."""
    return w * TAU_EXP / (TAU_M - TAU_EXP) * (np.exp(-s / TAU_M) - np.exp(-s / TAU_EXP))


def current_alpha(s, w):
    """The alpha current w (s/tau_alpha) exp(1 - s/tau_alpha) (mV)."""
    return w * s / TAU_ALPHA * np.exp(1.0 - s / TAU_ALPHA)


def psp_alpha(s, w):
    """PSP (mV) of the alpha current (the convolution with the membrane's exp(-s/tau_m)/tau_m)."""
    a = 1.0 / TAU_ALPHA - 1.0 / TAU_M
    scale = w * math.e / (TAU_M * TAU_ALPHA) / a**2
    return scale * np.exp(-s / TAU_M) * (1.0 - np.exp(-a * s) * (1.0 + a * s))


def analytic_peaks(dt):
    """Peak time (ms after the input starts) and amplitude (mV) of each analytic PSP."""
    t_exp = TAU_M * TAU_EXP / (TAU_M - TAU_EXP) * math.log(TAU_M / TAU_EXP)
    # at the peak dv/dt = 0, i.e. the PSP equals the input current
    t_alpha = brentq(lambda s: psp_alpha(s, 1.0) - current_alpha(s, 1.0), TAU_ALPHA, 10.0 * TAU_M)
    return {
        "inst": (dt, float(psp_inst(dt, WEIGHTS["inst"], dt))),
        "exp": (t_exp, float(psp_exp(t_exp, WEIGHTS["exp"]))),
        "alpha": (t_alpha, float(psp_alpha(t_alpha, WEIGHTS["alpha"]))),
    }


def analytic_trace(kind, s, dt):
    """The analytic PSP of ``kind`` at the times ``s`` (ms after the input starts; 0 before)."""
    s = np.asarray(s, dtype=float)
    w = WEIGHTS[kind]
    clipped = np.maximum(s, 0.0)
    value = {"inst": lambda: psp_inst(clipped, w, dt), "exp": lambda: psp_exp(clipped, w),
             "alpha": lambda: psp_alpha(clipped, w)}[kind]()
    return np.where(s > 0.0, value, 0.0)


# ----------------------------------------------------------------------------- simulation
def simulate(duration, dt):
    """One spike at SPIKE_TIME through the three synapse kinds; returns the recorded PSPs
    (v - E_L, one column per kind) and the time since the input started for each row."""
    ann.clear()
    ann.setup(dt=dt)
    source = ann.SpikeSourceArray(spike_times=[SPIKE_TIME], name="presynaptic")
    membranes = ann.Population(len(KINDS), MEMBRANE, name="membranes")
    for i, kind in enumerate(KINDS):
        ann.Projection(source, membranes[i:i + 1], kind).connect_all_to_all(WEIGHTS[kind])
    monitor = ann.Monitor(membranes, "v")
    ann.compile()
    ann.simulate(duration)
    psp = monitor.get("v") - E_L
    # the spike is emitted at step k = SPIKE_TIME/dt and enters g at the start of step k + 1;
    # row j holds the state at the end of step j, i.e. (j - k) dt after the input started
    k = int(round(SPIKE_TIME / dt))
    s = (np.arange(psp.shape[0]) - k) * dt
    return s, psp


def main(argv=None):
    """Runs the example; returns the peak times (ms) and amplitudes (mV) of each PSP, simulated
    and analytic, and the largest trace error (mV)."""

    def extra(parser):
        parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")

    args = parse_args(__doc__, argv, duration=80.0, extra=extra)
    s, psp = simulate(args.duration, args.dt)
    peaks = analytic_peaks(args.dt)
    figures = {}
    print(f"{'synapse':8s} {'peak time (ms)':>16s} {'analytic':>9s} {'amplitude (mV)':>16s} {'analytic':>9s}")
    for i, kind in enumerate(KINDS):
        j = int(np.argmax(psp[:, i]))
        t_peak, a_peak = peaks[kind]
        figures[f"{kind}_peak_time"] = float(s[j])
        figures[f"{kind}_peak_time_analytic"] = t_peak
        figures[f"{kind}_amplitude"] = float(psp[j, i])
        figures[f"{kind}_amplitude_analytic"] = a_peak
        figures[f"{kind}_max_error"] = float(np.max(np.abs(psp[:, i] - analytic_trace(kind, s, args.dt))))
        print(f"{kind:8s} {s[j]:16.2f} {t_peak:9.3f} {psp[j, i]:16.5f} {a_peak:9.5f}"
              f"   (max |trace - analytic| = {figures[f'{kind}_max_error']:.1e} mV)")

    plt = pyplot()
    fig, (ax_in, ax) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 2]})
    fine = np.linspace(-2.0, s[-1], 4000)
    colours = {"inst": "tab:blue", "exp": "tab:orange", "alpha": "tab:green"}
    labels = {"inst": "instantaneous", "exp": f"exponential ({TAU_EXP:g} ms)",
              "alpha": f"alpha ({TAU_ALPHA:g} ms)"}
    # input currents, each divided by its peak (the pulse of the instantaneous synapse is one step)
    grid = np.linspace(0.0, 40.0, 2000)
    ax_in.plot(np.r_[-2.0, 0.0, grid], np.r_[0.0, 0.0, np.exp(-grid / TAU_EXP)],
               color=colours["exp"], label=labels["exp"])
    ax_in.plot(np.r_[-2.0, grid], np.r_[0.0, current_alpha(grid, 1.0)],
               color=colours["alpha"], label=labels["alpha"])
    ax_in.plot([-2.0, 0.0, 0.0, args.dt, args.dt, 40.0], [0, 0, 1, 1, 0, 0], color=colours["inst"], lw=2,
               zorder=3, label=f"{labels['inst']} (one step)")
    ax_in.set_xlim(-2.0, 40.0)
    ax_in.set_xlabel("time since the input started (ms)")
    ax_in.set_ylabel("synaptic current / its peak")
    ax_in.set_title("input current shapes")
    ax_in.legend()
    for i, kind in enumerate(KINDS):
        ax.plot(fine, analytic_trace(kind, fine, args.dt), "-", color=colours[kind], lw=4, alpha=0.35)
        ax.plot(s, psp[:, i], "-", color=colours[kind], lw=1, label=f"{labels[kind]} (simulated)")
        ax.plot(*peaks[kind], "k+", ms=10)
    ax.plot([], [], "-", color="gray", lw=4, alpha=0.35, label="analytic solutions")
    ax.plot([], [], "k+", label="analytic peaks")
    ax.set_xlim(-2.0, s[-1])
    ax.set_xlabel("time since the input started (ms)")
    ax.set_ylabel("PSP, v - E_L (mV)")
    ax.set_title("PSPs of one presynaptic spike, the same charge through each synapse")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, "synaptic_transmission.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
