"""Short-term plasticity: a depressing and a facilitating Tsodyks-Markram synapse driven by a regular train.

The model of Tsodyks, Pawelzik & Markram (1998) in the form of the built-in ``ann.STP``
synapse: each synapse holds the fraction ``x`` of available resources and the utilisation
``u``. Between spikes ``dx/dt = (1 - x)/tau_rec`` and ``du/dt = (U - u)/tau_facil`` (solved
exactly, event-driven); at each presynaptic spike the postsynaptic current jumps by
``w u x``, then ``x *= 1 - u`` and ``u += U (1 - u)``.

* depressing synapse: U = 0.5, tau_rec = 800 ms, no facilitation (tau_facil -> 0, so u = U);
* facilitating synapse: U = 0.1, tau_rec = 100 ms, tau_facil = 1000 ms.

One presynaptic neuron fires a regular train (default 40 spikes at 20 Hz) onto one passive
membrane per synapse type: ``tau_m dv/dt = E_L - v + g_exc`` with an exponentially decaying
current ``tau_syn dg_exc/dt = -g_exc`` (tau_m = 20 ms, tau_syn = 3 ms, dt = 0.1 ms).

For a train with interval T the efficacies follow a recursion whose fixed point is

    u* = U / (1 - (1 - U) exp(-T/tau_facil)),
    x* = (1 - exp(-T/tau_rec)) / (1 - (1 - u*) exp(-T/tau_rec)),

and the first spike finds u = U, x = 1, so the last-to-first ratio of the postsynaptic
currents tends to u* x* / U. The synapse variables relax over T - dt between two spikes, not
T: the reference simulator (ANNarchy 4.8.2) measures the event-driven decay at a presynaptic
event from one step before the spike's arrival back to the previous arrival, and annarray
does the same (docs/reference_facts.md, section T4). The recursion and the steady state below
use T - dt; at 20 Hz with dt = 0.1 ms this changes the steady state by 0.2 %.

The script measures each current jump from the recorded ``g_exc``, prints the ratio of the
last to the first one next to the recursion and the steady state, and writes
``short_term_plasticity.png`` (membrane potentials, and the efficacy of every spike against
the recursion).

Expected result (40 spikes at 20 Hz): depressing ratio 0.11404 (steady state 0.11404),
facilitating ratio 3.3493 (steady state 3.3518, approached within 0.1 %); the simulated
efficacies equal the recursion to about 1e-16. The PSPs follow the same trend (0.11 and 3.2;
they overlap a little at 20 Hz).

    python examples/short_term_plasticity.py [--rate HZ] [--spikes N] [--outdir DIR] [-j N] [--gpu]
"""

import math

import numpy as np

import annarray as ann

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.short_term_plasticity (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

DT = 0.1  # ms
TAU_SYN = 3.0  # ms
FIRST_SPIKE = 20.0  # ms
SYNAPSES = {
    # name: (U, tau_rec in ms, tau_facil in ms, weight)
    "depressing": (0.5, 800.0, 0.01, 20.0),
    "facilitating": (0.1, 100.0, 1000.0, 20.0),
}

MEMBRANE = ann.Neuron(
    parameters="""
        tau_m = 20.0 : population
        tau_syn = 3.0 : population
        E_L = -70.0 : population
        v_thresh = 1000.0 : population
    """,
    equations="""
        tau_m * dv/dt = E_L - v + g_exc : init = -70.0, exponential
        tau_syn * dg_exc/dt = - g_exc : exponential
    """,
    spike="v > v_thresh",  # never reached: a passive membrane
    name="passive membrane",
)


def steady_state(U, tau_rec, tau_facil, interval):
    """Fixed point (u*, x*) of the Tsodyks-Markram recursion when the variables relax for
    ``interval`` ms between spikes."""
    ef, er = math.exp(-interval / tau_facil), math.exp(-interval / tau_rec)
    u = U / (1.0 - (1.0 - U) * ef)
    x = (1.0 - er) / (1.0 - (1.0 - u) * er)
    return u, x


def recursion(U, tau_rec, tau_facil, interval, n):
    """Efficacies u_k x_k (k = 1..n) found by the first n spikes of a regular train (hand
    computation of the event-driven model: jump, then exact relaxation for ``interval`` ms)."""
    u, x, out = U, 1.0, []
    for _ in range(n):
        out.append(u * x)
        x *= 1.0 - u
        u += U * (1.0 - u)
        x = 1.0 - (1.0 - x) * math.exp(-interval / tau_rec)
        u = U + (u - U) * math.exp(-interval / tau_facil)
    return np.array(out)


def simulate(rate, n_spikes):
    """Runs the train through both synapses; returns the time axis (ms) and, per synapse
    type, the recorded ``v`` and ``g_exc`` of its membrane (1-D arrays)."""
    ann.clear()
    ann.setup(dt=DT)
    interval = 1000.0 / rate
    times = [FIRST_SPIKE + k * interval for k in range(n_spikes)]
    source = ann.SpikeSourceArray(spike_times=times, name="presynaptic")
    monitors, projections = {}, {}
    for name, (U, tau_rec, tau_facil, weight) in SYNAPSES.items():
        post = ann.Population(1, MEMBRANE, name=name)
        proj = ann.Projection(source, post, "exc", synapse=ann.STP(tau_rec=tau_rec, tau_facil=tau_facil, U=U))
        proj.connect_all_to_all(weight)
        projections[name] = proj
        monitors[name] = ann.Monitor(post, ["v", "g_exc"])
    ann.compile()
    for name, proj in projections.items():
        proj.u = SYNAPSES[name][0]  # the first spike finds u = U (the built-in synapse starts at 0.5)
    duration = times[-1] + 4.0 * interval
    ann.simulate(duration)
    t = np.arange(1, int(round(duration / DT)) + 1) * DT  # each row: the state after its step
    data = {name: {k: v[:, 0] for k, v in m.get().items()} for name, m in monitors.items()}
    return t, times, data


def current_jumps(g, arrival_rows):
    """Jump of the exponentially decaying current at each arrival row: the recorded value
    minus the previous one decayed over one step (the monitor reads ``g_exc`` right after the
    spikes arrive, before the step's decay)."""
    decay = math.exp(-DT / TAU_SYN)
    return np.array([g[k] - g[k - 1] * decay for k in arrival_rows])


def psp_amplitudes(v, arrival_rows, width):
    """Peak of v in the ``width`` rows after each arrival minus v just before it (mV)."""
    return np.array([v[k:k + width].max() - v[k - 1] for k in arrival_rows])


def main(argv=None):
    """Runs the example; returns the last/first ratios of the current jumps (and of the PSPs)
    with the steady states of the recursion."""

    def extra(parser):
        parser.add_argument("--rate", type=float, default=20.0, help="presynaptic rate in Hz (default 20)")
        parser.add_argument("--spikes", type=int, default=40, help="spikes in the train (default 40)")

    args = parse_args(__doc__, argv, extra=extra)
    interval = 1000.0 / args.rate
    relax = interval - DT  # how long the synapse variables relax between two spikes
    t, times, data = simulate(args.rate, args.spikes)
    # a spike emitted at step s reaches g_exc at step s + 1, recorded in row s + 1
    arrival_rows = [int(round(s / DT)) + 1 for s in times]
    figures = {}
    efficacies = {}
    for name, (U, tau_rec, tau_facil, weight) in SYNAPSES.items():
        jumps = current_jumps(data[name]["g_exc"], arrival_rows)
        psps = psp_amplitudes(data[name]["v"], arrival_rows, int(round(interval / DT)))
        u, x = steady_state(U, tau_rec, tau_facil, relax)
        expected = recursion(U, tau_rec, tau_facil, relax, args.spikes)
        efficacies[name] = (jumps / weight, expected)
        figures[f"{name}_ratio"] = float(jumps[-1] / jumps[0])
        figures[f"{name}_psp_ratio"] = float(psps[-1] / psps[0])
        figures[f"{name}_steady_state"] = u * x / U
        figures[f"{name}_max_error"] = float(np.max(np.abs(jumps / weight - expected)))
        print(f"{name:12s}: last/first current {figures[f'{name}_ratio']:.5f}"
              f" (recursion {expected[-1] / expected[0]:.5f}, steady state u*x*/U = {u * x / U:.5f});"
              f" last/first PSP {figures[f'{name}_psp_ratio']:.3f};"
              f" max |efficacy - recursion| = {figures[f'{name}_max_error']:.1e}")

    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), gridspec_kw={"width_ratios": [2.2, 1]})
    for row, name in enumerate(SYNAPSES):
        U, tau_rec, tau_facil, _ = SYNAPSES[name]
        ax_v, ax_e = axes[row]
        ax_v.plot(t, data[name]["v"], "k-", lw=1)
        ax_v.set_ylabel("v (mV)")
        title = f"{name}: U = {U:g}, tau_rec = {tau_rec:g} ms"
        if name == "facilitating":
            title += f", tau_facil = {tau_facil:g} ms"
        ax_v.set_title(title, fontsize=10)
        measured, expected = efficacies[name]
        k = np.arange(1, len(measured) + 1)
        ax_e.plot(k, expected, "-", color="tab:gray", lw=3, alpha=0.6, label="recursion (analytic)")
        ax_e.plot(k, measured, "o", ms=4, color="tab:red", label="simulated u x")
        steady = figures[f"{name}_steady_state"] * U
        ax_e.axhline(steady, color="k", ls="--", lw=1, label="steady state u* x*")
        ax_e.set_ylabel("efficacy u x")
        ax_e.set_title(f"last/first {figures[f'{name}_ratio']:.4f} (steady state"
                       f" {figures[f'{name}_steady_state']:.4f})", fontsize=10)
        ax_e.legend(fontsize=8)
    axes[1, 0].set_xlabel("time (ms)")
    axes[1, 1].set_xlabel("spike number")
    fig.suptitle(f"Tsodyks-Markram synapses, regular train at {args.rate:g} Hz")
    fig.tight_layout()
    save_figure(fig, "short_term_plasticity.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
