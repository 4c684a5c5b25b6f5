"""Projection and dendrite access: structure, attribute get/set, exports and round trips.

Expected values are hand-written from the connectivity each test builds.
"""

import numpy as np
import pytest
import scipy.sparse

import annarray as ann
from annarray.errors import NetworkError


def _pops(n_pre=3, n_post=2):
    pre = ann.Population(n_pre, ann.Neuron(parameters="r0 = 0.0", equations="r = r0"), name="pre")
    post = ann.Population(n_post, ann.Neuron(equations="r = sum(exc)"), name="post")
    return pre, post


MATRIX = [[1.0, None, 2.0], [None, 3.0, -1.0]]  # (post, pre)


def _proj(synapse=None, compile=True):
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc", synapse).connect_from_matrix(MATRIX)
    if compile:
        ann.compile()
    return proj


def test_structure(paradigm):
    proj = _proj()
    assert proj.size == 2 and len(proj) == 2
    assert proj.nb_synapses == 4
    assert proj.post_ranks == [0, 1]
    assert proj.dendrite(0).pre_ranks == [0, 2]
    assert proj.dendrite(1).pre_ranks == [1, 2]
    assert proj.dendrite(1).size == 2


def test_weights_as_lists_per_dendrite(paradigm):
    proj = _proj()
    assert proj.w == [[1.0, 2.0], [3.0, -1.0]]
    assert proj.dendrite(1).w == [3.0, -1.0]
    assert proj.dendrite(0).synapse(2).w == 2.0


def test_single_weight_reads_as_one_value(paradigm):
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_all_to_all(0.25)
    ann.compile()
    assert proj.w == 0.25


def test_force_multiple_weights(paradigm):
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_all_to_all(0.25, force_multiple_weights=True)
    ann.compile()
    assert proj.w == [[0.25] * 3, [0.25] * 3]


def test_set_weights_every_way(paradigm):
    proj = _proj()
    proj.w = 0.5
    assert proj.w == [[0.5, 0.5], [0.5, 0.5]]
    proj.w = [[1.0, 2.0], [3.0, 4.0]]
    assert proj.w == [[1.0, 2.0], [3.0, 4.0]]
    proj.dendrite(1).w = [7.0, 8.0]
    proj.dendrite(0).w = 9.0
    assert proj.w == [[9.0, 9.0], [7.0, 8.0]]
    proj.dendrite(1).synapse(2).w = -5.0
    assert proj.dendrite(1).w == [7.0, -5.0]
    proj.set({"w": np.array([1.0, 1.0, 1.0, 1.0])})
    assert proj.get("w") == [[1.0, 1.0], [1.0, 1.0]]


def test_set_weights_changes_transmission(paradigm):
    proj = _proj()
    pre = ann.get_population("pre")
    post = ann.get_population("post")
    pre.r0 = [1.0, 2.0, 3.0]
    proj.dendrite(0).w = [10.0, 0.0]
    ann.simulate(2)
    np.testing.assert_allclose(post.sum("exc"), [10.0, 3.0])


def test_set_weights_before_compile_are_kept():
    proj = _proj(compile=False)
    proj.dendrite(0).w = [5.0, 6.0]
    ann.compile()
    assert proj.w == [[5.0, 6.0], [3.0, -1.0]]


def test_distribution_assignment(paradigm):
    proj = _proj()
    proj.w = ann.Uniform(2.0, 3.0)
    values = np.concatenate(proj.w)
    assert values.shape == (4,) and np.all((values >= 2.0) & (values <= 3.0))


def test_semiglobal_and_global_attributes(paradigm):
    syn = ann.Synapse(parameters="a = 1.0 : projection\n b = 2.0 : postsynaptic\n c = 3.0")
    proj = _proj(syn)
    assert proj.a == 1.0
    assert proj.b == [2.0, 2.0]
    assert proj.c == [[3.0, 3.0], [3.0, 3.0]]
    proj.b = [4.0, 5.0]
    assert proj.dendrite(1).b == 5.0
    proj.dendrite(0).b = 6.0
    assert proj.b == [6.0, 5.0]
    proj.a = 7.0
    assert proj.dendrite(0).a == 7.0


def test_delays_read_back(paradigm):
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_from_list([(0, 0, 1.0, 2.0), (1, 1, 1.0, 3.0), (2, 1, 1.0, 1.0)])
    ann.compile()
    assert proj.delay == [[2.0], [3.0, 1.0]]
    assert proj.dendrite(1).delay == [3.0, 1.0]
    assert proj.dendrite(1).synapse(1).delay == 3.0


def test_connectivity_matrix(paradigm):
    proj = _proj()
    np.testing.assert_array_equal(proj.connectivity_matrix(), [[1.0, 0.0, 2.0], [0.0, 3.0, -1.0]])


def test_receptive_fields(paradigm):
    pre = ann.Population((2, 2), ann.Neuron(equations="r = 0.0"), name="pre")
    post = ann.Population((1, 2), ann.Neuron(equations="r = sum(exc)"), name="post")
    weights = np.arange(8.0).reshape(2, 4)
    proj = ann.Projection(pre, post, "exc").connect_from_matrix(weights)
    ann.compile()
    np.testing.assert_array_equal(proj.dendrite(1).receptive_field(), [[4.0, 5.0], [6.0, 7.0]])
    np.testing.assert_array_equal(proj.receptive_fields(), [[0, 1, 4, 5], [2, 3, 6, 7]])


def test_sparse_export_round_trip():
    proj = _proj(compile=False)
    matrix = proj.sparse_matrix()
    assert matrix.shape == (2, 3)
    pre, post = ann.get_population("pre"), ann.get_population("post")
    copy = ann.Projection(pre, post, "inh").connect_from_sparse(_to_connector_orientation(matrix))
    assert copy.w == proj.w
    assert (copy.sparse_matrix() != matrix).nnz == 0
    assert [copy.dendrite(r).pre_ranks for r in copy.post_ranks] == [[0, 2], [1, 2]]


def _to_connector_orientation(matrix):
    """connect_from_sparse takes the matrix as (pre, post): docs/reference_facts.md section J."""
    return scipy.sparse.csr_matrix(matrix.T)


@pytest.mark.parametrize("suffix", [".npz", ".data", ".pickle"])
def test_save_and_connect_from_file_round_trip(paradigm, suffix):
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_from_list([(0, 0, 1.5, 2.0), (2, 0, 2.5, 1.0), (1, 1, 3.5, 3.0)])
    proj.save_connectivity("conn" + suffix)
    copy = ann.Projection(pre, post, "inh").connect_from_file("conn" + suffix)
    ann.compile()
    assert copy.w == proj.w
    assert copy.delay == proj.delay
    assert copy.post_ranks == proj.post_ranks


def test_connectivity_matrix_round_trip():
    proj = _proj(compile=False)
    dense = proj.connectivity_matrix(fill=np.nan)
    pre, post = ann.get_population("pre"), ann.get_population("post")
    copy = ann.Projection(pre, post, "inh").connect_from_matrix([[None if np.isnan(v) else v for v in row] for row in dense])
    assert copy.w == proj.w


def test_monitor_on_dendrite_and_projection(paradigm):
    pre = ann.Population(2, ann.Neuron(equations="r = 1.0"), name="pre")
    post = ann.Population(1, ann.Neuron(equations="r = 1.0"), name="post")
    proj = ann.Projection(pre, post, "exc", ann.Hebb(eta=0.1)).connect_all_to_all(0.0)
    ann.compile()
    m_dend = ann.Monitor(proj.dendrite(0), "w")
    m_proj = ann.Monitor(proj, "w")
    ann.simulate(3)
    expected = np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]])
    np.testing.assert_allclose(m_dend.get("w"), expected)
    np.testing.assert_allclose(np.asarray(m_proj.get("w")).reshape(3, -1), expected)


def test_unknown_attribute_and_dendrite_errors(paradigm):
    proj = _proj()
    with pytest.raises(AttributeError):
        proj.foo
    with pytest.raises(NetworkError, match="no attribute"):
        proj.get("foo")
    with pytest.raises(NetworkError, match="receives no synapse"):
        proj.dendrite(5)
    with pytest.raises(NetworkError, match="no synapse from pre neuron"):
        proj.dendrite(0).synapse(1)


def test_connecting_twice_refused():
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_all_to_all(1.0)
    with pytest.raises(NetworkError, match="already connected"):
        proj.connect_one_to_one(1.0)


def test_unconnected_projection_refused_at_compile():
    pre, post = _pops()
    ann.Projection(pre, post, "exc")
    with pytest.raises(NetworkError, match="connect"):
        ann.compile()


def test_from_matrix_size_mismatch():
    pre, post = _pops()
    with pytest.raises(NetworkError):
        ann.Projection(pre, post, "exc").connect_from_matrix(np.ones((3, 3)))


def test_unknown_pre_variable_in_synapse():
    pre, post = _pops()
    syn = ann.Synapse(psp="w * pre.foo")
    ann.Projection(pre, post, "exc", syn).connect_all_to_all(1.0)
    with pytest.raises(ann.AnnarrayError, match="pre.foo"):
        ann.compile()


def test_storage_format_names_accepted(paradigm):
    pre, post = _pops()
    for i, fmt in enumerate(("lil", "csr", "ell", "ellr", "sell", "dense", "bsr")):
        ann.Projection(pre, post, f"t{i}").connect_all_to_all(1.0, storage_format=fmt)
    with pytest.raises(NetworkError, match="storage_format"):
        ann.Projection(pre, post, "bad").connect_all_to_all(1.0, storage_format="coo")


def test_network_copy_keeps_projection(paradigm):
    pre, post = _pops()
    pre.r0 = [1.0, 2.0, 3.0]
    ann.Projection(pre, post, "exc").connect_from_matrix(MATRIX)
    net = ann.Network(everything=True)
    net.compile()
    net.simulate(2)
    np.testing.assert_allclose(net.get(post).sum("exc"), [7.0, 3.0])


def test_projection_monitor_ragged_dendrites(paradigm):
    """Reference shapes (J6): (steps, dendrites, synapses) when the dendrites have one size,
    else a (steps, dendrites) object array of lists."""
    pre = ann.Population(3, ann.Neuron(equations="r = 1.0"), name="pre")
    post = ann.Population(2, ann.Neuron(equations="r = 1.0"), name="post")
    proj = ann.Projection(pre, post, "exc", ann.Hebb(eta=0.5))
    proj.connect_from_matrix([[1.0, 2.0, 3.0], [None, 4.0, None]])
    m = ann.Monitor(proj, "w")
    ann.compile()
    ann.simulate(2)
    data = m.get("w")
    assert data.shape == (2, 2) and data.dtype == object
    assert data[1, 0] == [2.0, 3.0, 4.0] and data[1, 1] == [5.0]


def test_pre_sum_in_psp_does_not_depend_on_creation_order(paradigm):
    src = ann.Population(2, ann.Neuron(parameters="r0 = 0.0", equations="r = r0"), name="src")
    src.r0 = [1.0, 2.0]
    mid = ann.Population(2, ann.Neuron(equations="r = 0.0"), name="mid")
    out = ann.Population(1, ann.Neuron(equations="r = sum(exc)"), name="out")
    ann.Projection(mid, out, "exc", ann.Synapse(psp="w * pre.sum(exc)")).connect_all_to_all(1.0)
    ann.Projection(src, mid, "exc").connect_one_to_one(1.0)
    ann.compile()
    ann.simulate(2)
    # reference (J10-12): pre.sum(exc) is the sum computed at the start of the same step
    np.testing.assert_allclose(out.sum("exc"), [3.0])


def test_set_ragged_per_dendrite_lists(paradigm):
    """Dendrites of different lengths take a list of lists of their own lengths."""
    pre, post = _pops()
    proj = ann.Projection(pre, post, "exc").connect_from_matrix([[1.0, None, 2.0], [None, None, -1.0]])
    ann.compile()
    proj.w = [[-x for x in d] for d in proj.w]
    assert proj.w == [[-1.0, -2.0], [1.0]]
