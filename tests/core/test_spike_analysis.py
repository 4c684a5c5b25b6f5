"""Spike-train analysis: raster_plot, histogram, inter_spike_interval,
coefficient_of_variation, population_rate, smoothed_rate, mean_fr, as functions and as
Monitor methods.

Most tests use hand-made spike data whose expected values are computed by hand in the
test (the arithmetic is written next to the numbers). SPIKES is also the data recorded on
ANNarchy 4.8.2 from neurons firing at chosen times; the figures marked "measured on ANNarchy
4.8.2" were printed by the reference on it (docs/reference_facts.md, section L).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError

# rank -> spike steps; neuron 2 is silent, neuron 3 fires once; first spike 0, last 12
SPIKES = {0: [2, 5, 9], 1: [0, 4, 8, 12], 2: [], 3: [7], 4: [3, 5, 11]}
# three neurons firing every 3, 4 and 5 steps for 30 steps (the counter model below)
COUNTER_SPIKES = {0: [2, 5, 8, 11, 14, 17, 20, 23, 26, 29], 1: [3, 7, 11, 15, 19, 23, 27],
                  2: [4, 9, 14, 19, 24, 29]}


def chosen_population():
    """Five neurons firing at the steps of SPIKES (dt = 1)."""
    neuron = ann.Neuron(
        parameters="s1 = -1.0\ns2 = -1.0\ns3 = -1.0\ns4 = -1.0",
        equations="v = t",
        spike="(t == s1) or (t == s2) or (t == s3) or (t == s4)",
        reset="",
    )
    pop = ann.Population(5, neuron, name="P")
    pop.s1 = [2.0, 0.0, -1.0, 7.0, 3.0]
    pop.s2 = [5.0, 4.0, -1.0, -1.0, 5.0]
    pop.s3 = [9.0, 8.0, -1.0, -1.0, 11.0]
    pop.s4 = [-1.0, 12.0, -1.0, -1.0, -1.0]
    return pop


def counter_population():
    """Three neurons firing every 3, 4 and 5 steps (first at steps 2, 3, 4)."""
    neuron = ann.Neuron(parameters="p = 3.0", equations="c = c + 1", spike="c >= p", reset="c = 0")
    pop = ann.Population(3, neuron, name="Q")
    pop.p = [3.0, 4.0, 5.0]
    return pop


# -- raster_plot ----------------------------------------------------------------------------
def test_raster_plot_times_in_ms_and_ranks_in_dict_order():
    # dt = 0.5: steps 2, 4 -> 1.0, 2.0 ms; step 1 -> 0.5 ms
    ann.setup(dt=0.5)
    times, ranks = ann.raster_plot({3: [2, 4], 1: [1]})
    np.testing.assert_array_equal(times, [1.0, 2.0, 0.5])
    np.testing.assert_array_equal(ranks, [3, 3, 1])


def test_raster_plot_measured():
    """Measured on ANNarchy 4.8.2 (dt = 1)."""
    times, ranks = ann.raster_plot(SPIKES)
    np.testing.assert_array_equal(times, [2, 5, 9, 0, 4, 8, 12, 7, 3, 5, 11])
    np.testing.assert_array_equal(ranks, [0, 0, 0, 1, 1, 1, 1, 3, 4, 4, 4])


def test_raster_plot_accepts_the_dict_of_get():
    times, ranks = ann.raster_plot({"spike": {0: [1, 2]}})
    np.testing.assert_array_equal(times, [1.0, 2.0])
    np.testing.assert_array_equal(ranks, [0, 0])


def test_raster_plot_without_spikes_is_empty():
    times, ranks = ann.raster_plot({0: [], 1: []})
    assert times.shape == (0,) and ranks.shape == (0,)


# -- histogram ------------------------------------------------------------------------------
def test_histogram_counts_per_step_from_first_to_last_spike():
    """Measured on ANNarchy 4.8.2; by hand: steps 0..12, two spikes at step 5."""
    np.testing.assert_array_equal(ann.histogram(SPIKES), [1, 0, 1, 1, 1, 2, 0, 1, 1, 1, 0, 1, 1])


def test_histogram_bins_of_two_steps():
    # by hand: [0,1] 1 (n1@0), [2,3] 2, [4,5] 3, [6,7] 1, [8,9] 2, [10,11] 1, [12] 1
    np.testing.assert_array_equal(ann.histogram(SPIKES, bins=2.0), [1, 2, 3, 1, 2, 1, 1])


def test_histogram_bin_width_is_truncated_to_whole_steps():
    """Measured on ANNarchy 4.8.2: bins = 2.5 ms with dt = 1 counts as 2 steps."""
    np.testing.assert_array_equal(ann.histogram(SPIKES, bins=2.5), [1, 2, 3, 1, 2, 1, 1])


def test_histogram_bins_in_ms_with_dt_half():
    # dt = 0.5, bins = 1 ms = 2 steps; steps 1, 2, 5 -> bins (steps - 1) // 2 = 0, 0, 2
    ann.setup(dt=0.5)
    np.testing.assert_array_equal(ann.histogram({0: [1, 2, 5]}, bins=1.0), [2, 0, 1])


def test_histogram_per_neuron():
    """Measured on ANNarchy 4.8.2: bins of 3 steps, one row per rank 0..4."""
    expected = [[1, 1, 0, 1, 0], [1, 1, 1, 0, 1], [0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 2, 0, 1, 0]]
    np.testing.assert_array_equal(ann.histogram(SPIKES, bins=3.0, per_neuron=True), expected)


def test_histogram_recording_window():
    """Measured on ANNarchy 4.8.2: window (0, 15) in steps gives 16 bins, the last 3 empty."""
    expected = [1, 0, 1, 1, 1, 2, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0]
    np.testing.assert_array_equal(ann.histogram(SPIKES, recording_window=(0, 15)), expected)


def test_histogram_recording_window_with_wide_bins():
    """Measured on ANNarchy 4.8.2: window (0, 15), bins 4 -> 15 // 4 + 1 = 4 bins."""
    np.testing.assert_array_equal(ann.histogram(SPIKES, bins=4.0, recording_window=(0, 15)), [3, 4, 3, 1])


def test_histogram_ignores_spikes_outside_the_window():
    # by hand, steps 4..8: n1@4, n0@5 and n4@5, none, n3@7, n1@8
    np.testing.assert_array_equal(ann.histogram(SPIKES, recording_window=(4, 8)), [1, 2, 0, 1, 1])


def test_histogram_bins_smaller_than_dt_is_refused():
    with pytest.raises(NetworkError, match="smaller than dt"):
        ann.histogram(SPIKES, bins=0.5)


def test_histogram_without_spikes_needs_a_window():
    with pytest.raises(NetworkError, match="no spike"):
        ann.histogram({0: [], 1: []})


# -- inter_spike_interval -------------------------------------------------------------------
def test_isi_flat_list_in_ms():
    """Measured on ANNarchy 4.8.2; by hand 5-2, 9-5, then 4, 4, 4, then 5-3, 11-5."""
    assert ann.inter_spike_interval(SPIKES) == [3.0, 4.0, 4.0, 4.0, 4.0, 2.0, 6.0]


def test_isi_scales_with_dt():
    ann.setup(dt=0.5)
    assert ann.inter_spike_interval({0: [1, 4, 6]}) == [1.5, 1.0]


def test_isi_per_neuron_leaves_out_neurons_with_fewer_than_two_spikes():
    """Measured on ANNarchy 4.8.2."""
    assert ann.inter_spike_interval(SPIKES, per_neuron=True) == {0: [3.0, 4.0], 1: [4.0, 4.0, 4.0],
                                                                 4: [2.0, 6.0]}


def test_isi_of_selected_ranks():
    """Measured on ANNarchy 4.8.2."""
    assert ann.inter_spike_interval(SPIKES, ranks=[0, 4]) == [3.0, 4.0, 2.0, 6.0]


# -- coefficient_of_variation ---------------------------------------------------------------
def test_cv_by_hand():
    # n0: ISIs 3, 4 -> mean 3.5, std 0.5 -> 1/7; n1: 4, 4, 4 -> 0; n4: 2, 6 -> std 2 / mean 4
    np.testing.assert_allclose(ann.coefficient_of_variation(SPIKES), [1 / 7, 0.0, 0.5], rtol=1e-15)


def test_cv_per_neuron_and_ranks():
    """Measured on ANNarchy 4.8.2: {0: 0.142857..., 1: 0.0, 4: 0.5}; ranks=[1, 4] -> [0, 0.5]."""
    cv = ann.coefficient_of_variation(SPIKES, per_neuron=True)
    assert list(cv) == [0, 1, 4]
    assert cv[0] == pytest.approx(0.14285714285714285, rel=1e-15)
    assert ann.coefficient_of_variation(SPIKES, ranks=[1, 4]) == [0.0, 0.5]


def test_cv_needs_two_intervals():
    """Measured on ANNarchy 4.8.2: a neuron with two spikes (one ISI) is left out."""
    assert ann.coefficient_of_variation({0: [1, 3]}) == []


# -- population_rate ------------------------------------------------------------------------
def test_population_rate_by_hand():
    # 5 neurons, dt = 1: a spike at a step adds 1 / (5 * 1 ms) = 200 Hz; steps 0..12
    # (measured on ANNarchy 4.8.2 as well)
    expected = [200, 0, 200, 200, 200, 400, 0, 200, 200, 200, 0, 200, 200]
    np.testing.assert_array_equal(ann.population_rate(SPIKES), expected)


def test_population_rate_smooth_not_above_dt_is_unfiltered():
    np.testing.assert_array_equal(ann.population_rate(SPIKES, smooth=1.0), ann.population_rate(SPIKES))


def test_population_rate_low_pass():
    """Measured on ANNarchy 4.8.2 (smooth = 5 ms). By hand: y[t+1] = y[t] + (x[t+1] - y[t]) * dt /
    smooth, y[0] = x[0]: 200, 200 - 0.2 * 200 = 160, 160 + 0.2 * 40 = 168, ... (the reference
    rounds dt / smooth to single precision: 160 reads 159.9999994)."""
    measured = [200.0, 159.9999994, 167.99999964, 174.39999981, 179.51999992, 223.6160006,
                178.89279981, 183.11423991, 186.49139198, 189.19311362, 151.35449034, 161.08359241,
                168.86687405]
    rates = ann.population_rate(SPIKES, smooth=5.0)
    np.testing.assert_allclose(rates, measured, rtol=1e-9)
    np.testing.assert_allclose(rates[:3], [200.0, 160.0, 168.0], rtol=1e-7)


def test_population_rate_uses_single_precision_dt():
    """Measured on ANNarchy 4.8.2 (dt = 0.1, 3 neurons): one spike reads 3333.3332008785724 Hz,
    not 3333.33...: the reference divides by float32(float32(dt) * 3) / 1000."""
    ann.setup(dt=0.1)
    rates = ann.population_rate(COUNTER_SPIKES)
    assert rates[0] == 3333.3332008785724
    assert rates.shape == (28,)


def test_population_rate_without_spikes_is_refused():
    with pytest.raises(NetworkError, match="no spike"):
        ann.population_rate({0: []})


# -- smoothed_rate --------------------------------------------------------------------------
def test_smoothed_rate_by_hand():
    # columns: steps 0..11 (first spike 0 to last spike 12, excluded). Between spikes a and b
    # the steps a..b-1 read 1000 / (b - a) Hz; an interval opened at the first step (n1 at 0)
    # does not count (measured on ANNarchy 4.8.2 as well).
    rates = ann.smoothed_rate(SPIKES)
    expected = np.zeros((5, 12))
    expected[0, 2:5], expected[0, 5:9] = 1000 / 3, 250
    expected[1, 4:12] = 250
    expected[4, 3:5], expected[4, 5:11] = 500, 1000 / 6
    np.testing.assert_allclose(rates, expected, rtol=1e-15)


def test_smoothed_rate_low_pass():
    """Measured on ANNarchy 4.8.2 (smooth = 5 ms), row of neuron 0."""
    measured = [0.0, 0.0, 66.66666766, 120.00000159, 162.66666857, 180.13333512, 194.1066683,
                205.28533481, 214.22826798, 171.38261375, 137.10609049, 109.68487198]
    np.testing.assert_allclose(ann.smoothed_rate(SPIKES, smooth=5.0)[0], measured, rtol=1e-9)


def test_smoothed_rate_uses_single_precision_dt():
    """Measured on ANNarchy 4.8.2 (dt = 0.1): an ISI of 3 steps reads 3333.3332836627965 Hz
    (1000 / float32(0.1) / 3)."""
    ann.setup(dt=0.1)
    assert ann.smoothed_rate(COUNTER_SPIKES)[0, 5] == 3333.3332836627965


def test_smoothed_rate_negative_smooth_is_refused():
    with pytest.raises(NetworkError, match="smooth"):
        ann.smoothed_rate(SPIKES, smooth=-1.0)


# -- mean_fr --------------------------------------------------------------------------------
def test_mean_fr_by_hand():
    # 11 spikes / 5 neurons / (12 - 0 steps * 1 ms) * 1000 = 183.33 Hz (measured too)
    assert ann.mean_fr(SPIKES) == pytest.approx(11 / 5 / 12 * 1000, rel=1e-15)


def test_mean_fr_duration_is_in_steps():
    """Measured on ANNarchy 4.8.2 (dt = 0.1): duration=30 -> 23 / 3 / (30 * 0.1) * 1000 Hz."""
    ann.setup(dt=0.1)
    assert ann.mean_fr(COUNTER_SPIKES, duration=30) == pytest.approx(2555.5555555555557, rel=1e-15)


def test_mean_fr_without_spikes_is_refused():
    with pytest.raises(NetworkError, match="no spike"):
        ann.mean_fr({0: [], 1: []})


# -- bad input ------------------------------------------------------------------------------
def test_analysis_of_something_else_than_a_dict_is_refused():
    with pytest.raises(NetworkError, match="Monitor.get\\('spike'\\)"):
        ann.raster_plot([1, 2, 3])


def test_analysis_of_a_dict_without_rank_keys_is_refused():
    with pytest.raises(NetworkError, match="rank"):
        ann.inter_spike_interval({"a": [1, 2]})


# -- Monitor methods ------------------------------------------------------------------------
def simulated_monitor(view=None, steps=15):
    pop = chosen_population()
    mon = ann.Monitor(pop if view is None else pop[view], "spike")
    ann.compile()
    ann.simulate(steps)
    return mon


def test_method_without_data_calls_get(paradigm):
    """Measured on ANNarchy 4.8.2: raster_plot() reads (and empties) the recording."""
    mon = simulated_monitor()
    times, ranks = mon.raster_plot()
    np.testing.assert_array_equal(times, [2, 5, 9, 0, 4, 8, 12, 7, 3, 5, 11])
    np.testing.assert_array_equal(ranks, [0, 0, 0, 1, 1, 1, 1, 3, 4, 4, 4])
    assert mon.get("spike") == {rank: [] for rank in range(5)}


def test_method_histogram_isi_cv_equal_the_functions(paradigm):
    mon = simulated_monitor()
    spikes = mon.get("spike")
    assert spikes == SPIKES
    np.testing.assert_array_equal(mon.histogram(spikes, bins=2.0), ann.histogram(SPIKES, bins=2.0))
    assert mon.inter_spike_interval(spikes, per_neuron=True) == ann.inter_spike_interval(SPIKES, per_neuron=True)
    assert mon.coefficient_of_variation(spikes) == ann.coefficient_of_variation(SPIKES)


def test_method_mean_fr_uses_the_recording_duration(paradigm):
    """Measured on ANNarchy 4.8.2 (dt = 0.1, 3 ms): 23 spikes / 3 neurons / 3 ms = 2555.56 Hz;
    the function form divides by last - first spike instead (2839.51 Hz)."""
    ann.setup(dt=0.1)
    pop = counter_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(3.0)
    spikes = mon.get("spike")
    assert spikes == COUNTER_SPIKES
    assert mon.mean_fr(spikes) == pytest.approx(2555.5555555555557, rel=1e-15)
    assert ann.mean_fr(spikes) == pytest.approx(2839.506172839506, rel=1e-15)


def test_method_mean_fr_of_a_view_counts_its_neurons_only(paradigm):
    # view [0, 2]: 3 + 0 spikes / 2 neurons / 15 steps * 1000 = 100 Hz
    mon = simulated_monitor(view=[0, 2])
    assert mon.mean_fr() == pytest.approx(100.0, rel=1e-15)


def test_method_smoothed_rate_covers_the_recording(paradigm):
    """Measured on ANNarchy 4.8.2: smoothed_rate() after 15 steps -> shape (5, 15), the values
    of the function form padded with zeros for steps 12..14."""
    mon = simulated_monitor()
    rates = mon.smoothed_rate()
    assert rates.shape == (5, 15)
    np.testing.assert_array_equal(rates[:, :12], ann.smoothed_rate(SPIKES))
    np.testing.assert_array_equal(rates[:, 12:], 0.0)


def test_method_smoothed_rate_of_a_later_recording_is_relative_to_its_start(paradigm):
    # second recording, steps 15..29: column c is step 15 + c. By hand: n0 17->20 ... 26->29
    # at 1000/3 Hz on columns 2..13; n1 opened at 15 (= start) does not count, 19->27 at
    # 250 Hz on 4..11; n2 19->29 at 200 Hz on 4..13. (4.8.2 indexes by absolute step here
    # and returns zeros: a deliberate difference.)
    pop = counter_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    mon.get("spike")
    ann.simulate(15)
    rates = mon.smoothed_rate()
    expected = np.zeros((3, 15))
    expected[0, 2:14], expected[1, 4:12], expected[2, 4:14] = 1000 / 3, 250, 200
    np.testing.assert_allclose(rates, expected, rtol=1e-15)


def test_method_population_rate_covers_start_to_stop(paradigm):
    """Measured on ANNarchy 4.8.2: second recording (steps 15..30) -> 16 values; by hand 1000/3 Hz
    per spike of the 3 neurons."""
    pop = counter_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    mon.get("spike")
    ann.simulate(15)
    third = 1000 / 3
    expected = np.array([1, 0, 1, 0, 2, 1, 0, 0, 2, 1, 0, 1, 1, 0, 2, 0]) * third
    np.testing.assert_allclose(mon.population_rate(), expected, rtol=1e-15)


@pytest.mark.parametrize("method", ["raster_plot", "histogram", "inter_spike_interval",
                                    "coefficient_of_variation", "mean_fr", "smoothed_rate",
                                    "population_rate"])
def test_method_on_a_monitor_without_spikes_is_refused(paradigm, method):
    pop = chosen_population()
    mon = ann.Monitor(pop, "v")
    ann.compile()
    ann.simulate(3)
    with pytest.raises(NetworkError, match=r"Monitor of P.*records v.*Monitor\(P, 'spike'\)"):
        getattr(mon, method)()
