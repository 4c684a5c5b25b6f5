"""examples/adex_firing_patterns.py, run for 320 ms (a 300 ms step), against a NumPy
explicit-Euler integration of the same AdEx equations and the classes of Naud et al. 2008."""

import numpy as np

from examples import adex_firing_patterns as adex

DURATION = 320.0


def euler_spike_times(duration):
    """Hand computation of the scheme: explicit Euler at dt = adex.DT for all patterns at
    once; at step k (t = k dt) I = I_step if t >= 20 ms, v and w move together from the old
    values, and v >= 0 mV gives a spike at t = k dt followed by v = Vr, w += b."""
    p = np.array([values for values, _ in adex.PATTERNS.values()], dtype=float).T
    C, gL, EL, VT, delta_T, a, tau_w, b, Vr, I_step = p
    v, w, dt = EL.copy(), np.zeros_like(EL), adex.DT
    times = [[] for _ in range(v.size)]
    for k in range(int(round(duration / dt))):
        current = I_step if k * dt >= adex.T_ON else 0.0
        dv = (-gL * (v - EL) + gL * delta_T * np.exp((v - VT) / delta_T) - w + current) / C
        dw = (a * (v - EL) - w) / tau_w
        v, w = v + dt * dv, w + dt * dw
        spiking = v >= adex.V_PEAK
        v = np.where(spiking, Vr, v)
        w = np.where(spiking, w + b, w)
        for i in np.flatnonzero(spiking):
            times[i].append(k * dt)
    return [np.array(t) for t in times]


def test_adex_patterns_match_euler_and_the_paper_classes(tmp_path):
    """Sources: the spike counts and latencies equal those of the hand-written Euler scheme
    above (same equations, same dt; only the last bits of the sums may differ, which moves no
    spike here; ANNarchy 4.8.2 gives the same spike steps, docs/reference_facts.md U2);
    each pattern gets the class of its panel in Naud et al. 2008, Fig. 4
    (tonic, adapting, initial burst, bursting, accelerating, bursting, transient); the
    adaptation index equals Druckmann's formula applied to the Euler intervals, with A > 0
    for adaptation and A < 0 for the accelerating pattern."""
    figures = adex.main(["--duration", str(DURATION), "--outdir", str(tmp_path)])
    assert (tmp_path / "adex_firing_patterns.png").stat().st_size > 0
    reference = euler_spike_times(DURATION)
    for (pattern, (_, expected)), times in zip(adex.PATTERNS.items(), reference, strict=True):
        assert figures[f"{pattern}: class"] == expected, pattern
        assert figures[f"{pattern}: spikes"] == times.size, pattern
        assert abs(figures[f"{pattern}: latency"] - (times[0] - adex.T_ON)) < 1e-9, pattern
        isi = np.diff(times)
        if isi.size >= 3:
            assert abs(figures[f"{pattern}: A"] - adex.adaptation_index(isi)) < 1e-9, pattern
    assert figures["adaptation: A"] > 0.0
    assert figures["delayed accelerating: A"] < 0.0


def test_adaptation_index_follows_druckmann():
    """Hand computation: intervals 10, 20, 40 (k = 0) give A = mean(10/30, 20/60) = 1/3;
    a constant train gives 0; with 10 intervals k = 2 drops the first two."""
    assert abs(adex.adaptation_index([10.0, 20.0, 40.0]) - 1.0 / 3.0) < 1e-12
    assert adex.adaptation_index([5.0] * 8) == 0.0
    isi = [1.0, 100.0] + [10.0] * 7 + [30.0]
    assert abs(adex.adaptation_index(isi) - (20.0 / 40.0) / 7.0) < 1e-12
