"""Simulation control: simulate_until() early stopping, every() callbacks, measure_time.

The figures are those measured on ANNarchy 4.8.2 with dt = 0.5 (docs/reference_facts.md P):
counters ``r = r + k`` (r = k * steps) make every stopping step and callback time a hand
computation as well. annarray returns simulate_until()'s duration in ms (steps * dt) where
the reference returns steps / dt (P1).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError, NetworkError

COUNTER = dict(parameters="k = 1.0", equations="r = r + k")


def counter(size=1, k=1.0, name=None, stop=None):
    pop = ann.Population(size, ann.Neuron(**COUNTER), name=name, stop_condition=stop)
    pop.k = k
    return pop


@pytest.fixture
def half_ms():
    ann.setup(dt=0.5)


# -- simulate_until ----------------------------------------------------------------------------
def test_until_any_stops_after_the_first_step_where_one_neuron_holds(paradigm, half_ms):
    """P1: k = [1, 2, 3], 'r > 5.5': neuron 3 has r = 6 after 2 steps -> 2 steps, t = 1.0 ms."""
    pop = counter(3, [1.0, 2.0, 3.0], stop="r > 5.5")
    ann.compile()
    assert ann.simulate_until(100.0, pop) == 1.0
    assert (ann.get_time(), ann.get_current_step()) == (1.0, 2)
    np.testing.assert_array_equal(pop.r, [2.0, 4.0, 6.0])


def test_until_all_waits_for_every_neuron(paradigm, half_ms):
    """P1: the same with ': all': neuron 1 passes 5.5 after 6 steps -> t = 3.0 ms."""
    pop = counter(3, [1.0, 2.0, 3.0], stop="r > 5.5 : all")
    ann.compile()
    assert ann.simulate_until(100.0, pop) == 3.0
    assert ann.get_current_step() == 6


@pytest.mark.parametrize("operator, steps", [("and", 7), ("or", 4)])
def test_until_operator_combines_populations(paradigm, half_ms, operator, steps):
    """P1: B ('r > 3.5 : all') holds from step 4, C ('r > 6.5') from step 7: 'and' -> 7
    steps (both at the same step), 'or' -> 4."""
    b = counter(name="B", stop="r > 3.5 : all")
    c = counter(name="C", stop="r > 6.5")
    ann.compile()
    assert ann.simulate_until(100.0, [b, c], operator=operator) == steps * 0.5
    assert ann.get_current_step() == steps


def test_until_max_duration_is_rounded_up_to_whole_steps(paradigm, half_ms):
    """P1: never met within 2.2 ms: ceil(2.2 / 0.5) = 5 steps are simulated."""
    pop = counter(stop="r > 100")
    ann.compile()
    assert ann.simulate_until(2.2, pop) == 2.5
    assert ann.get_current_step() == 5


def test_until_ignores_listed_populations_without_condition(paradigm, half_ms):
    """P1: [B, D] with D lacking a stop_condition stops when B holds (step 4), as the reference."""
    b = counter(name="B", stop="r > 3.5 : all")
    d = counter(name="D")
    ann.compile()
    assert ann.simulate_until(100.0, [b, d]) == 2.0


def test_until_without_any_condition_raises(paradigm):
    d = counter(name="D")
    ann.compile()
    with pytest.raises(NetworkError, match="'D' have no stop_condition"):
        ann.simulate_until(10.0, d)
    assert ann.get_current_step() == 0


def test_until_unknown_operator_raises(paradigm):
    pop = counter(stop="r > 1")
    ann.compile()
    with pytest.raises(NetworkError, match="'and' or 'or'"):
        ann.simulate_until(10.0, pop, operator="xor")


def test_until_calls_no_callback(paradigm):
    """P2: callbacks belong to simulate() only."""
    pop = counter(stop="r > 2.5")
    calls = []
    ann.every(period=1.0)(calls.append)
    ann.compile()
    ann.simulate_until(10.0, pop)
    ann.step()
    assert calls == []


# -- measure_time ----------------------------------------------------------------------------
def test_measure_time_message_of_the_default_network(paradigm, capsys):
    """P3: 'Simulating <s> seconds of the network took <t> seconds. ' (trailing space)."""
    counter()
    ann.compile()
    ann.simulate(2.0, measure_time=True)
    out = capsys.readouterr().out
    assert out.startswith("Simulating 0.002 seconds of the network took ") and out.endswith(" seconds. \n")


def test_measure_time_message_names_other_networks(paradigm, capsys):
    """P3: networks other than 0 are named: '... of the network 1 took ...'."""
    counter()
    net = ann.Network(everything=True)
    net.compile()
    net.simulate(2.0, measure_time=True)
    assert capsys.readouterr().out.startswith(f"Simulating 0.002 seconds of the network {net.id} took ")


def test_measure_time_of_simulate_until(paradigm, capsys):
    """P3 (annarray prints the real duration: 4 steps of 1 ms)."""
    pop = counter(stop="r > 3.5")
    ann.compile()
    ann.simulate_until(100.0, pop, measure_time=True)
    assert capsys.readouterr().out.startswith("Simulating 0.004 seconds of the network took ")


# -- every() ---------------------------------------------------------------------------------
def recorder(log, name, pop=None):
    def record(n):
        log.append((name, n, ann.get_time(), None if pop is None else float(pop.r[0])))
    return record


def test_callback_times_and_counter(paradigm, half_ms):
    """P2: period 2 ms = 4 steps over 5 ms (10 steps): before steps 0, 4, 8 (t = 0, 2, 4),
    n = 0, 1, 2."""
    log = []
    ann.every(period=2.0)(recorder(log, "f"))
    counter()
    ann.compile()
    ann.simulate(5.0)
    assert log == [("f", 0, 0.0, None), ("f", 1, 2.0, None), ("f", 2, 4.0, None)]
    assert ann.get_current_step() == 10


def test_callback_runs_before_the_step_it_is_due_at(paradigm, half_ms):
    """P2: the counter reads 4 at the call before step 4 (4 steps done); the callback sets it
    to 0 and that step already sees 0: after 10 steps r = 2 (steps 8 and 9)."""
    pop = counter()
    seen = []

    @ann.every(period=2.0)
    def reset_counter(n):
        seen.append(float(pop.r[0]))
        pop.r = 0.0

    ann.compile()
    ann.simulate(5.0)
    assert seen == [0.0, 4.0, 4.0]
    assert pop.r[0] == 2.0


@pytest.mark.parametrize("period, offset, times", [
    (2.0, -0.5, [1.5, 3.5]),        # P2: -1 step modulo 4 steps -> steps 3, 7
    (1.5, -2.0, [1.0, 2.5, 4.0]),   # P2: -4 steps modulo 3 -> steps 2, 5, 8
    (2.0, 3.0, [0.0, 2.0, 4.0]),    # P2: an offset above the period is clipped to it (= 0)
    (2.0, 0.5, [0.5, 2.5, 4.5]),
])
def test_callback_offsets(paradigm, half_ms, period, offset, times):
    log = []
    ann.every(period=period, offset=offset)(recorder(log, "f"))
    counter()
    ann.compile()
    ann.simulate(5.0)
    assert [t for _, _, t, _ in log] == times
    assert [n for _, n, _, _ in log] == list(range(len(times)))


def test_callback_wait_adds_to_the_offset(paradigm, half_ms):
    """P2: period 2, offset 1, wait 3 ms: the first call at 4 ms (step 8), n = 0."""
    log = []
    ann.every(period=2.0, offset=1.0, wait=3.0)(recorder(log, "f"))
    counter()
    ann.compile()
    ann.simulate(5.0)
    assert log == [("f", 0, 4.0, None)]


def test_callbacks_due_together_run_in_order_of_definition(paradigm, half_ms):
    """P2: at 4 ms, f1, f3, f4, f6 were called in the order they were declared."""
    log = []
    for name, offset, wait in [("f1", 0.0, 0.0), ("f2", -0.5, 0.0), ("f3", 3.0, 0.0), ("f4", 1.0, 3.0),
                               ("f6", 0.0, 0.0)]:
        ann.every(period=2.0, offset=offset, wait=wait)(recorder(log, name))
    counter()
    ann.compile()
    ann.simulate(5.0)
    assert [name for name, _, t, _ in log if t == 4.0] == ["f1", "f3", "f4", "f6"]


def test_callback_times_are_relative_to_each_simulate(paradigm, half_ms):
    """P2: a second simulate(3.0) from t = 5 calls at 5 and 7 ms, n restarting at 0."""
    log = []
    ann.every(period=2.0)(recorder(log, "f"))
    counter()
    ann.compile()
    ann.simulate(5.0)
    log.clear()
    ann.simulate(3.0)
    assert log == [("f", 0, 5.0, None), ("f", 1, 7.0, None)]


def test_duration_with_callbacks_is_truncated_to_whole_steps(paradigm, half_ms):
    """P2: with callbacks, simulate(4.2) runs int(4.2 / 0.5) = 8 steps (without: 9)."""
    ann.every(period=2.0)(lambda n: None)
    counter()
    ann.compile()
    ann.simulate(4.2)
    assert ann.get_current_step() == 8
    ann.simulate(4.2, callbacks=False)
    assert ann.get_current_step() == 17


def test_period_below_dt_means_every_step(paradigm, half_ms):
    """P2: every(period=0.2) with dt = 0.5 -> period 0.5 ms, a call before each step."""
    log = []
    cb = ann.every(period=0.2)
    cb(recorder(log, "f"))
    assert cb.period == 0.5
    counter()
    ann.compile()
    ann.simulate(1.5)
    assert [(n, t) for _, n, t, _ in log] == [(0, 0.0), (1, 0.5), (2, 1.0)]


def test_disable_enable_and_callbacks_false(paradigm):
    """P2: disable_callbacks() / simulate(callbacks=False) simulate without calls;
    enable_callbacks() brings them back."""
    calls = []
    ann.every(period=1.0)(calls.append)
    counter()
    ann.compile()
    ann.disable_callbacks()
    assert not ann.callbacks_enabled()
    ann.simulate(2.0)
    ann.enable_callbacks()
    ann.simulate(2.0, callbacks=False)
    assert calls == []
    ann.simulate(2.0)
    assert calls == [0, 1]
    assert ann.get_current_step() == 6


def test_clear_all_callbacks(paradigm):
    calls = []
    ann.every(period=1.0)(calls.append)
    counter()
    ann.compile()
    ann.clear_all_callbacks()
    ann.simulate(3.0)
    assert calls == [] and ann.get_current_step() == 3


def test_callbacks_belong_to_their_network(paradigm):
    """Each network has its own callbacks (every(net_id=...)); the default network's are not
    called by a copy."""
    pop = counter()
    net = ann.Network(everything=True)
    default_calls, copy_calls = [], []
    ann.every(period=2.0)(default_calls.append)
    ann.every(period=2.0, net_id=net.id)(copy_calls.append)
    ann.compile()
    net.compile()
    net.simulate(4.0)
    assert (default_calls, copy_calls) == ([], [0, 1])
    assert net.get(pop).r[0] == 4.0


def test_simulation_runs_in_chunks_between_callbacks(paradigm, monkeypatch):
    """No per-step check: 10 steps with calls at 0, 4, 8 run as 3 chunks (4, 4, 2 steps);
    without callbacks as one."""
    from annarray.core.network import default_network

    counter()
    ann.compile()
    net = default_network()
    chunks = []
    run = net._run
    monkeypatch.setattr(net, "_run", lambda n, stop=None: (chunks.append(n), run(n, stop))[1])
    ann.simulate(10.0)
    assert chunks == [10]
    chunks.clear()
    ann.every(period=4.0)(lambda n: None)
    ann.simulate(10.0)
    assert chunks == [4, 4, 2]


def test_progress_bar_with_callbacks(paradigm):
    calls = []
    ann.every(period=100.0)(calls.append)
    pop = counter()
    ann.compile()
    ann.simulate(250.0, progress_bar=True)
    assert calls == [0, 1, 2]
    assert pop.r[0] == 250.0


def test_every_refuses_bad_values(paradigm):
    with pytest.raises(AnnarrayError, match="numbers"):
        ann.every(period="often")
    with pytest.raises(AnnarrayError, match="decorates a function"):
        ann.every(period=1.0)(42)


def test_stop_condition_on_spikes(paradigm):
    """``spiked : any`` stops after the step of the first spike: IF_curr_exp with
    i_offset = 1 first spikes at step 277 on the reference (docs/reference_facts.md K), so
    278 steps (27.8 ms) run."""
    ann.setup(dt=0.1)
    pop = ann.Population(3, ann.IF_curr_exp(i_offset=1.0), stop_condition="spiked : any")
    ann.compile()
    assert ann.simulate_until(1000.0, pop) == pytest.approx(27.8)
    assert ann.get_current_step() == 278
    assert len(pop.spike) == 3
