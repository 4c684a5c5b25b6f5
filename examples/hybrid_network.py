"""A hybrid rate/spike network: a rate signal encoded into Poisson spikes and decoded back.

Built with ``annarray.extensions.hybrid``:

    signal (rate-coded, r in [0, 1])
      -> Rate2SpikePopulation(signal, scaling=100): Poisson spikes at 100 * r Hz
      -> relay (spiking, one-to-one, w = 1): passes each spike on one step later
      -> Spike2RatePopulation(relay, mode='window', window=50, scaling=100): r back in [0, 1]

Every one of the 500 signal neurons follows the same input, r(t) = 0.3 + 0.2 sin(2 pi t /
500 ms), plus 0.3 from t = 1000 ms on (dt = 1 ms). Each neuron fires at step u with
probability 100 r(u - 2) dt / 1000 (the encoder reads the signal of the previous step, the
relay adds one step), and the decoder at step t counts the relay spikes of the steps
t - 50 ... t - 1. So the decoded rate of a neuron, times 50 ms * 100 Hz / 1000, is a sum
of 50 independent Bernoulli draws: its expectation is the 50-step moving average of r
(delayed by 3 steps), its variance sum p (1 - p) / (5)^2 in units of r.

Expected result: the population mean of the decoded rate follows the 50 ms moving average
of the input (correlation ~0.997; with the input itself ~0.95, as the window delays the
signal by 25 ms on average and smooths the step), with an rms error near the Bernoulli
prediction (0.013). In non-overlapping windows the errors of single neurons have mean 0
and the predicted variance: squared error / prediction = 1.00 within a few percent (the
z-scores of both, from the cumulants of the Bernoulli sums, stay within +-4).

    python examples/hybrid_network.py [--duration MS] [--neurons N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np

import annarray as ann
from annarray.extensions.hybrid import Rate2SpikePopulation, Spike2RatePopulation

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.hybrid_network (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

DT = 1.0  # ms
SCALING = 100.0  # Hz for r = 1
WINDOW = 50.0  # ms, the decoding window
LAG = 3  # steps from the signal to the first step the decoder counts (see the docstring)
T_STEP = 1000.0  # ms, when the input steps up


def signal(t):
    """The input r(t) (t in ms, array or float): 0.3 + 0.2 sin(2 pi t / 500) + 0.3 [t >= 1000]."""
    return 0.3 + 0.2 * np.sin(2.0 * np.pi * t / 500.0) + np.where(t >= T_STEP, 0.3, 0.0)


def build(duration, neurons):
    """Simulates the chain; returns the signal, the decoded rates (steps x neurons) and the
    spikes of the relay."""
    ann.clear()
    ann.setup(dt=DT, seed=42)
    source = ann.Population(neurons, ann.Neuron(
        parameters=f"t_step = {T_STEP} : population",
        equations="r = 0.3 + 0.2 * sin(2.0 * pi * t / 500.0) + ite(t >= t_step, 0.3, 0.0)",
        name="signal"), name="signal")
    encoder = Rate2SpikePopulation(source, name="encoder", scaling=SCALING)
    relay = ann.Population(neurons, ann.Neuron(equations="v = g_exc", spike="v > 0.5", reset="v = 0.0",
                                               name="relay"), name="relay")
    ann.Projection(encoder, relay, "exc", name="encoder to relay").connect_one_to_one(1.0)
    decoder = Spike2RatePopulation(relay, name="decoder", mode="window", window=WINDOW, scaling=SCALING)
    m_signal = ann.Monitor(source[:1], "r")
    m_decoded = ann.Monitor(decoder, "r")
    m_spikes = ann.Monitor(relay[:40], "spike")
    ann.compile()
    ann.simulate(duration)
    return m_signal.get("r"), m_decoded.get("r"), m_spikes.get("spike")


def _window_sums(values, rows):
    """For each monitor row t (step t, t = 0, 1, ...) the sum of ``values`` (index j holds
    signal step s = j - K - LAG, see ``_probabilities``) over the signal steps
    s = t - K - LAG + 1 .. t - LAG that feed the decoder's window at step t (K = WINDOW/dt),
    i.e. j = t + 1 .. t + K."""
    k = int(round(WINDOW / DT))
    csum = np.concatenate([[0.0], np.cumsum(values)])
    return csum[rows + 1 + k] - csum[rows + 1]


def _probabilities(steps):
    """Spike probability per step of a relay neuron, p = SCALING r(s) dt / 1000, for the
    signal steps s = -K - LAG .. steps - 1 (0 before the simulation starts)."""
    k = int(round(WINDOW / DT))
    s = np.arange(-k - LAG, steps)
    return np.where(s >= 0, SCALING * signal(s * DT) * DT / 1000.0, 0.0)


def expected_decoding(duration):
    """Mean and variance (r units) of one neuron's decoded rate at each monitor row t
    (step t = 0 .. duration/dt - 1): the sum of the Bernoulli draws of the relay spikes at
    steps t - K .. t - 1, which fire with p = SCALING r(u - 2) dt / 1000 (u: relay step)."""
    steps = int(round(duration / DT))
    p = _probabilities(steps)
    rows = np.arange(steps)
    to_r = 1000.0 / (WINDOW * SCALING)  # a count of spikes in the window -> r units
    return _window_sums(p, rows) * to_r, _window_sums(p * (1.0 - p), rows) * to_r**2


def window_cumulants(rows, duration):
    """Variance and fourth cumulant (r units) of one neuron's decoded rate at the monitor
    rows ``rows``: sums over the window's Bernoulli draws of p (1 - p) and
    p (1 - p) (1 - 6 p (1 - p))."""
    p = _probabilities(int(round(duration / DT)))
    q = p * (1.0 - p)
    to_r = 1000.0 / (WINDOW * SCALING)
    return _window_sums(q, rows) * to_r**2, _window_sums(q * (1.0 - 6.0 * q), rows) * to_r**4


def error_statistics(errors, rows, duration, averaged=1):
    """Compares errors with their Bernoulli statistics.

    :param errors: array (len(rows), n) of independent samples: decoded minus expected r at
        the monitor rows ``rows`` (non-overlapping windows), each the mean of ``averaged``
        neurons (1: single neurons; n columns of different neurons).
    :returns: (z-score of the summed errors, observed / predicted summed squared error,
        z-score of the summed squared errors); the variance of a squared error is
        kappa4 + 2 sigma^4, those of a mean of m neurons sigma^2 / m and kappa4 / m^3.
    """
    sigma2, kappa4 = window_cumulants(rows, duration)
    sigma2, kappa4 = sigma2 / averaged, kappa4 / averaged**3
    n = errors.shape[1]
    predicted = float(sigma2.sum() * n)
    observed = float(np.sum(errors**2))
    spread = float(np.sqrt(np.sum(kappa4 + 2.0 * sigma2**2) * n))
    return float(errors.sum() / np.sqrt(predicted)), observed / predicted, (observed - predicted) / spread


def main(argv=None):
    """Runs the example; returns the correlations and the error statistics of the decoding."""

    def extra(parser):
        parser.add_argument("--neurons", type=int, default=500, help="neurons in each population (default 500)")

    args = parse_args(__doc__, argv, duration=2000.0, extra=extra)
    r_in, decoded, spikes = build(args.duration, args.neurons)
    r_in = r_in[:, 0]
    t = np.arange(decoded.shape[0]) * DT  # row t: the step that starts at t (the signal is r(t))
    mean, var = expected_decoding(args.duration)
    k = int(round(WINDOW / DT))
    valid = t >= WINDOW + LAG  # full windows only
    pop = decoded.mean(axis=1)
    figures = {
        "corr_input": float(np.corrcoef(pop[valid], r_in[valid])[0, 1]),
        "corr_expected": float(np.corrcoef(pop[valid], mean[valid])[0, 1]),
    }
    # non-overlapping windows: independent sums of Bernoulli draws
    rows = np.arange(k + LAG, decoded.shape[0], k)
    single = error_statistics(decoded[rows] - mean[rows, None], rows, args.duration)
    figures["bias_z"], figures["error_ratio"], figures["error_z"] = single
    population = error_statistics((pop[rows] - mean[rows])[:, None], rows, args.duration, averaged=args.neurons)
    _, figures["pop_error_ratio"], figures["pop_error_z"] = population  # (its summed error is the same)
    figures["pop_rms_error"] = float(np.sqrt(np.mean((pop[valid] - mean[valid]) ** 2)))
    figures["pop_rms_predicted"] = float(np.sqrt(np.mean(var[valid]) / args.neurons))
    print(f"population mean of the decoded rate: correlation {figures['corr_input']:.4f} with the input, "
          f"{figures['corr_expected']:.4f} with its {WINDOW:g} ms moving average")
    print(f"population mean: rms error {figures['pop_rms_error']:.4f} (Bernoulli prediction "
          f"{figures['pop_rms_predicted']:.4f}); in non-overlapping windows squared error / prediction = "
          f"{figures['pop_error_ratio']:.3f} (z = {figures['pop_error_z']:+.2f})")
    print(f"single neurons, {rows.size} non-overlapping windows x {args.neurons}: squared error / prediction = "
          f"{figures['error_ratio']:.4f} (z = {figures['error_z']:+.2f}); mean error z = {figures['bias_z']:+.2f}")

    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [1, 2]})
    for i in range(len(spikes)):
        ax1.plot(np.asarray(spikes[i]) * DT, np.full(len(spikes[i]), i), "k|", ms=3)
    ax1.set_ylabel("relay neuron")
    ax1.set_title(f"Spikes of 40 of the {args.neurons} relay neurons (Poisson, {SCALING:g} Hz x r)")
    ax2.plot(t, decoded[:, 0], color="0.75", lw=0.8, label="decoded r, one neuron")
    ax2.plot(t, pop, "C0", lw=1.2, label=f"decoded r, mean of {args.neurons} neurons")
    ax2.plot(t, r_in, "k", lw=1.5, label="input r")
    ax2.plot(t, mean, "C3--", lw=1.2, label=f"expected: {WINDOW:g} ms moving average of the input")
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("r (1 = 100 Hz)")
    ax2.set_title(f"Rate -> Poisson spikes -> rate: correlation {figures['corr_input']:.3f}, "
                  f"single-neuron error / Poisson prediction {figures['error_ratio']:.3f}")
    ax2.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    save_figure(fig, "hybrid_network.png", args.outdir)
    return figures


if __name__ == "__main__":
    main()
