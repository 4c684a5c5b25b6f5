"""PopulationView and IndividualNeuron: slicing, reading and writing through views, view + view,
monitors on views. Reference facts: docs/reference_facts.md sections C and E.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

COUNTER = "r = r + 1"
CLOCK = "r = t"


def grid(geometry=(3, 4), equations=CLOCK, **kwargs):
    return ann.Population(geometry, ann.Neuron(equations=equations), **kwargs)


def test_slice_of_2d_population_selects_flat_ranks():
    # FACTS §E: pop[1:3] on (3, 4) -> view of size 2, flat ranks [1, 2], geometry (2,)
    view = grid()[1:3]
    assert isinstance(view, ann.PopulationView)
    assert view.size == 2
    np.testing.assert_array_equal(view.ranks, [1, 2])
    assert tuple(view.geometry) == (2,)


def test_row_slice_selects_a_row():
    # FACTS §E: pop[1, :] -> ranks [4, 5, 6, 7]
    view = grid()[1, :]
    assert isinstance(view, ann.PopulationView)
    np.testing.assert_array_equal(view.ranks, [4, 5, 6, 7])


def test_column_slice_selects_a_column():
    # row-major ranks of column 2 in (3, 4): 2, 6, 10
    view = grid()[:, 2]
    np.testing.assert_array_equal(view.ranks, [2, 6, 10])


def test_single_int_gives_a_view_of_size_one():
    # FACTS §E: pop[5] -> PopulationView of size 1 (rank 5), also for a 1-D population
    for pop in (grid(name="two_d"), grid(12, name="one_d")):
        view = pop[5]
        assert isinstance(view, ann.PopulationView)
        assert not isinstance(view, ann.IndividualNeuron)
        assert view.size == 1
        np.testing.assert_array_equal(view.ranks, [5])


def test_full_coordinates_give_an_individual_neuron():
    # FACTS §E: pop[1, 2] -> IndividualNeuron with rank 6
    neuron = grid()[1, 2]
    assert isinstance(neuron, ann.IndividualNeuron)
    assert neuron.rank == 6


def test_slice_of_1d_population():
    view = grid(10)[2:8:2]
    np.testing.assert_array_equal(view.ranks, [2, 4, 6])


def test_out_of_range_index_raises():
    pop = grid(name="viewpop")
    with pytest.raises(AnnarrayError, match="viewpop"):
        pop[3, 0]


@pytest.mark.parametrize("compiled", [False, True])
def test_view_read_and_write_touch_only_its_ranks(paradigm, compiled):
    pop = grid(equations=COUNTER)
    if compiled:
        ann.compile()
    pop.r = np.arange(12.0)
    view = pop[1, :]
    np.testing.assert_array_equal(view.r, [4.0, 5.0, 6.0, 7.0])
    view.r = 100.0
    expected = np.arange(12.0).reshape(3, 4)
    expected[1, :] = 100.0
    np.testing.assert_array_equal(pop.r, expected)
    view.r = [1.0, 2.0, 3.0, 4.0]
    expected[1, :] = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(pop.r, expected)


def test_view_write_before_compile_is_the_initial_state(paradigm):
    pop = grid(5, equations=COUNTER)
    pop[1:3].r = 10.0
    ann.compile()
    ann.simulate(1)
    np.testing.assert_array_equal(pop.r, [1.0, 11.0, 11.0, 1.0, 1.0])


def test_view_wrong_size_is_refused(paradigm):
    pop = grid(5, equations=COUNTER, name="vsize")
    ann.compile()
    with pytest.raises(AnnarrayError, match="vsize"):
        pop[1:3].r = [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(pop.r, np.zeros(5))


def test_view_get_and_set_dicts(paradigm):
    pop = grid(4, equations=COUNTER)
    ann.compile()
    view = pop[0:2]
    view.set({"r": [3.0, 4.0]})
    np.testing.assert_array_equal(view.get("r"), [3.0, 4.0])
    np.testing.assert_array_equal(pop.r, [3.0, 4.0, 0.0, 0.0])


def test_individual_neurons_add_into_a_view(paradigm):
    # FACTS §E: pop.neuron(0) + pop.neuron(3) -> ranks [0, 3]; pv.r -> [2, 2];
    # pv.r = 9 writes only those ranks
    pop = grid(equations=COUNTER)
    pop.r = 2.0
    ann.compile()
    pv = pop.neuron(0) + pop.neuron(3)
    assert isinstance(pv, ann.PopulationView)
    np.testing.assert_array_equal(pv.ranks, [0, 3])
    np.testing.assert_array_equal(pv.r, [2.0, 2.0])
    pv.r = 9.0
    np.testing.assert_array_equal(pop.r, [[9.0, 2.0, 2.0, 9.0], [2.0] * 4, [2.0] * 4])


def test_view_plus_view(paradigm):
    pop = grid(10, equations=COUNTER)
    ann.compile()
    both = pop[0:2] + pop[7:9]
    np.testing.assert_array_equal(both.ranks, [0, 1, 7, 8])
    assert both.size == 4
    both.r = 5.0
    np.testing.assert_array_equal(pop.r, [5, 5, 0, 0, 0, 0, 0, 5, 5, 0])


def test_views_of_different_populations_cannot_be_added():
    a = grid(4, name="va")
    b = grid(4, name="vb")
    with pytest.raises(AnnarrayError):
        a[0:2] + b[0:2]


def test_individual_neuron_reads_scalar_after_simulation(paradigm):
    pop = grid(equations=CLOCK)
    ann.compile()
    ann.simulate(3)  # r = t of the third step = 2
    n = pop[2, 3]
    assert n.rank == 11
    assert n.r == 2.0


def test_monitor_on_a_view(paradigm):
    # FACTS §C: Monitor(p[0:2], 'r', period=3.0) created at step 22 records at t = 22, 25, 28
    pop = grid((2, 3))
    ann.compile()
    ann.simulate(22)
    mon = ann.Monitor(pop[0:2], "r", period=3.0)
    ann.simulate(7)
    data = mon.get("r")
    assert data.shape == (3, 2)
    np.testing.assert_array_equal(data, [[22.0, 22.0], [25.0, 25.0], [28.0, 28.0]])


def test_monitor_on_a_view_records_its_ranks_only(paradigm):
    pop = grid(6, equations=COUNTER)
    pop.r = np.arange(6) * 10.0
    view = pop[4:6] + pop[1]
    mon = ann.Monitor(view, "r")
    ann.compile()
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r"), [[41.0, 51.0, 11.0], [42.0, 52.0, 12.0]])


def test_monitor_on_an_individual_neuron(paradigm):
    pop = grid((2, 3))
    mon = ann.Monitor(pop[1, 1], "r")
    ann.compile()
    ann.simulate(3)
    np.testing.assert_array_equal(mon.get("r"), [[0.0], [1.0], [2.0]])
