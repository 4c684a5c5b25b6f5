"""examples/basal_ganglia.py at its default size (4 phases of 500 ms), picture in a temporary folder."""

import pytest

from examples import basal_ganglia


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One run shared by the tests of this file, in a temporary working directory."""
    outdir = tmp_path_factory.mktemp("basal_ganglia")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outdir)
        result = basal_ganglia.main(["--duration", "2000", "--outdir", str(outdir)])
    result["png"] = outdir / "basal_ganglia.png"
    return result


def test_open_loop_steady_state_is_the_hand_computed_fixed_point(figures):
    """Hand computation, S = c = 0.5 on all 3 channels, every unit in its linear range
    (r = U - eps): D1 = 1.2c - 0.2, D2 = 0.8c - 0.2; STN = c + 0.25 - GPe and
    GPe = 0.2 + 2.7 STN - D2 give STN = (c + 0.05 + D2) / 3.7; GPi = 0.2 + 2.7 STN - D1 - 0.3 GPe;
    thalamus = c - 2 GPi. Tolerance: after 500 explicit-Euler steps (dt/tau = 0.1) the
    slowest mode, the STN-GPe loop with eigenvalue 1 - 0.1 (1 +- i sqrt(2.7)), has decayed
    by |.|^500 = 0.915^500 < 1e-19; what remains is round-off (~1e-15)."""
    c = 0.5
    d1, d2 = 1.2 * c - 0.2, 0.8 * c - 0.2
    stn = (c + 0.05 + d2) / 3.7
    gpe = 0.2 + 2.7 * stn - d2
    gpi = 0.2 + 2.7 * stn - d1 - 0.3 * gpe
    expected = {"cortex": c, "D1": d1, "D2": d2, "STN": stn, "GPe": gpe, "GPi": gpi, "thalamus": c - 2 * gpi}
    for name, value in expected.items():
        assert figures[f"fixed_point_{name}"] == pytest.approx(value, abs=1e-12), name


def test_no_channel_selected_at_rest(figures):
    """Hand computation at S = 0: STN = 0.05 / 3.7, GPe = 0.2 + 2.7 STN,
    GPi = 0.2 + 2.7 STN - 0.3 GPe = 0.16554 (tonic), thalamus 0. Tolerance: 500 steps of
    decay at <= 0.915 per step (see the fixed-point test) leave < 1e-15 of the transient."""
    stn = 0.05 / 3.7
    gpi = 0.2 + 2.7 * stn - 0.3 * (0.2 + 2.7 * stn)
    assert figures["selected_0"] == 0
    assert figures["winner_thalamus_0"] == 0.0
    assert figures["max_gpi_0"] == pytest.approx(gpi, abs=1e-12)


def test_the_most_salient_channel_is_disinhibited(figures):
    """S = (0.4, 0.2, 0.1): channel 1 is selected, its GPi unit is silent, so (hand
    computation) cortex = 0.4 + 0.5 thalamus and thalamus = cortex give thalamus =
    0.4 / 0.5 = 0.8; the losers' thalamic units are clipped to exactly 0 by their GPi
    inhibition. Tolerance: GPi 1 is silent from ~650 ms (figure), then the cortex-thalamus
    loop relaxes with its slowest mode 1 - 0.1 (1 - sqrt(0.5)) = 0.9707 per step:
    0.8 * 0.9707^350 = 2.4e-5 < 3e-5 at 1000 ms."""
    assert figures["selected_1"] == 1
    assert figures["winner_thalamus_1"] == pytest.approx(0.8, abs=3e-5)
    assert figures["loser_thalamus_1"] == 0.0


def test_selected_channel_rate_is_the_reference_value(figures):
    """Measured on ANNarchy 4.8.2 (docs/reference_facts.md W1, the same network and
    schedule): thalamus of channel 1 at the end of phase 2 = 0.7999972693069021, GPi at rest
    0.16554054054054052. The tolerances allow only for the order of the additions (1e-12)."""
    assert figures["winner_thalamus_1"] == pytest.approx(0.7999972693069021, abs=1e-12)
    assert figures["max_gpi_0"] == pytest.approx(0.16554054054054052, abs=1e-12)


def test_selection_switches_when_another_channel_becomes_more_salient(figures):
    """S = (0.4, 0.6, 0.1): channel 2 takes over; its cortex saturates (U -> 0.6 + 0.5 > 1)
    and its thalamus tends to 1 (decay 0.9 per step over > 300 steps: < 1e-9 left);
    channel 1's thalamus is clipped to 0."""
    assert figures["selected_2"] == 2
    assert figures["winner_thalamus_2"] == pytest.approx(1.0, abs=1e-9)
    assert figures["loser_thalamus_2"] == 0.0


def test_equal_saliences_keep_the_previous_selection(figures):
    """S = (0.5, 0.5, 0.1) after channel 2 was selected: the thalamocortical loop keeps
    channel 2 (hysteresis), thalamus 1 as in the previous phase, the others 0."""
    assert figures["selected_3"] == 2
    assert figures["winner_thalamus_3"] == pytest.approx(1.0, abs=1e-9)
    assert figures["loser_thalamus_3"] == 0.0
    assert figures["png"].stat().st_size > 0
