"""Connection patterns (annarray.core.connectors) and their data structure
(annarray.core.connectivity): hand-computed structures on small populations, views,
self-connections, random weights/delays, statistics of the random patterns, the data
patterns (list, dense, sparse, file), LILConnectivity/CSR, and the errors.
"""

import gzip
import pickle

import numpy as np
import pytest
import scipy.sparse as sp

import annarray as ann
from annarray.core import connectors as C
from annarray.core.connectivity import (
    CSR,
    Connectivity,
    LILConnectivity,
    from_coo,
    load_connectivity,
    save_connectivity,
)
from annarray.errors import NetworkError


def pop(geometry, name=None):
    return ann.Population(geometry, ann.LeakyIntegrator, name=name)


def rng(seed=0):
    return np.random.default_rng(seed)


def pairs(conn):
    """Set of (post, pre) rank pairs."""
    return set(zip(conn.post_indices().tolist(), conn.indices.tolist(), strict=True))


def dense(conn):
    return conn.to_scipy().toarray()


def check_structure(conn):
    """The invariants every Connectivity satisfies."""
    assert conn.post_ranks.dtype == np.int64 and conn.indptr.dtype == np.int64
    assert conn.indices.dtype == np.int32
    assert np.all(np.diff(conn.post_ranks) > 0)
    assert conn.indptr[0] == 0 and np.all(conn.row_lengths() > 0)
    assert len(conn.indptr) == conn.size + 1 and conn.indptr[-1] == conn.indices.size
    for row in conn.pre_ranks_list():
        assert np.all(np.diff(row) > 0)
    assert np.all((conn.indices >= 0) & (conn.indices < conn.pre_size))
    assert np.all((conn.post_ranks >= 0) & (conn.post_ranks < conn.post_size))
    for values in (conn.weights, conn.delays):
        assert isinstance(values, float) or values.shape == (conn.nb_synapses,)


# ---------------------------------------------------------------------------------------
# Connectivity
# ---------------------------------------------------------------------------------------

def make_conn():
    # post 1 <- pre 0, 2 ; post 3 <- pre 1
    return Connectivity(5, 4, [1, 3], [0, 2, 3], [0, 2, 1], np.array([0.5, 0.25, 2.0]), 1.0)


def test_connectivity_counts():
    conn = make_conn()
    assert conn.nb_synapses == 3 and conn.size == 2
    np.testing.assert_array_equal(conn.row_lengths(), [2, 1])
    np.testing.assert_array_equal(conn.post_indices(), [1, 1, 3])


def test_connectivity_full_indptr_covers_all_post_neurons():
    np.testing.assert_array_equal(make_conn().full_indptr(), [0, 0, 2, 2, 3, 3])


def test_connectivity_to_scipy_is_post_by_pre():
    m = make_conn().to_scipy()
    assert isinstance(m, sp.csr_matrix) and m.shape == (5, 4)
    expected = np.zeros((5, 4))
    expected[1, 0], expected[1, 2], expected[3, 1] = 0.5, 0.25, 2.0
    np.testing.assert_array_equal(m.toarray(), expected)


def test_connectivity_to_scipy_broadcasts_a_shared_weight():
    conn = Connectivity(2, 2, [0], [0, 2], [0, 1], 3.0, 0.0)
    np.testing.assert_array_equal(dense(conn), [[3.0, 3.0], [0.0, 0.0]])


def test_connectivity_from_scipy_round_trip():
    conn = make_conn()
    back = Connectivity.from_scipy(conn.to_scipy(), delays=1.0)
    for key in ("post_ranks", "indptr", "indices", "weights"):
        np.testing.assert_array_equal(getattr(back, key), getattr(conn, key))


def test_from_coo_sorts_by_post_then_pre_and_keeps_values_aligned():
    conn = from_coo(4, 5, post=[2, 0, 2, 0], pre=[3, 4, 1, 2], weights=[1.0, 2.0, 3.0, 4.0],
                    delays=[0.1, 0.2, 0.3, 0.4])
    np.testing.assert_array_equal(conn.post_ranks, [0, 2])
    np.testing.assert_array_equal(conn.indptr, [0, 2, 4])
    np.testing.assert_array_equal(conn.indices, [2, 4, 1, 3])
    np.testing.assert_array_equal(conn.weights, [4.0, 2.0, 3.0, 1.0])
    np.testing.assert_array_equal(conn.delays, [0.4, 0.2, 0.3, 0.1])


def test_from_coo_rejects_a_duplicate_pair_naming_it():
    with pytest.raises(NetworkError, match=r"proj3.*pre-synaptic neuron 1 to post-synaptic neuron 2"):
        from_coo(4, 4, [2, 0, 2], [1, 0, 1], obj_name="proj3")


def test_from_coo_rejects_ranks_outside_the_populations():
    with pytest.raises(NetworkError, match=r"pre-synaptic rank 7"):
        from_coo(4, 4, [0], [7], obj_name="p")


def test_empty_connectivity():
    conn = C.fixed_probability(pop(3), pop(4), 0.0)
    assert conn.nb_synapses == 0 and conn.size == 0
    assert dense(conn).shape == (4, 3) and not dense(conn).any()


# ---------------------------------------------------------------------------------------
# all_to_all and one_to_one
# ---------------------------------------------------------------------------------------

def test_all_to_all_between_two_populations():
    pre, post = pop(3), pop(2)
    conn = C.all_to_all(pre, post, weights=0.5)
    check_structure(conn)
    np.testing.assert_array_equal(conn.post_ranks, [0, 1])
    np.testing.assert_array_equal(conn.indices, [0, 1, 2, 0, 1, 2])
    assert conn.weights == 0.5 and conn.delays == 0.0


def test_all_to_all_recurrent_removes_self_connections():
    p = pop(3)
    assert pairs(C.all_to_all(p, p)) == {(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)}


def test_all_to_all_recurrent_allows_self_connections_on_request():
    p = pop(3)
    assert C.all_to_all(p, p, allow_self_connections=True).nb_synapses == 9


def test_all_to_all_views_give_whole_population_ranks():
    pre, post = pop(8), pop(4)
    conn = C.all_to_all(pre[2:6], post[1:3])
    assert (conn.post_size, conn.pre_size) == (4, 8)
    np.testing.assert_array_equal(conn.post_ranks, [1, 2])
    np.testing.assert_array_equal(conn.indices, [2, 3, 4, 5, 2, 3, 4, 5])


def test_all_to_all_overlapping_views_of_one_population_remove_shared_neurons():
    p = pop(6)
    conn = C.all_to_all(p[0:3], p[2:5])
    assert pairs(conn) == {(2, 0), (2, 1), (3, 0), (3, 1), (3, 2), (4, 0), (4, 1), (4, 2)}


def test_one_to_one_pairs_equal_indices():
    conn = C.one_to_one(pop(4), pop(4), weights=2.0, delays=1.0)
    check_structure(conn)
    assert pairs(conn) == {(0, 0), (1, 1), (2, 2), (3, 3)}
    assert conn.weights == 2.0 and conn.delays == 1.0


def test_one_to_one_views_count_in_view_order():
    pre, post = pop(8), pop(6)
    conn = C.one_to_one(pre[2:6], post[[3, 1, 0, 2]])
    assert pairs(conn) == {(3, 2), (1, 3), (0, 4), (2, 5)}


def test_one_to_one_recurrent_keeps_the_diagonal():
    p = pop(3)
    assert pairs(C.one_to_one(p, p)) == {(0, 0), (1, 1), (2, 2)}


def test_one_to_one_rejects_different_sizes():
    with pytest.raises(NetworkError, match=r"proj1.*3 pre-synaptic and 4 post-synaptic"):
        C.one_to_one(pop(3), pop(4), obj_name="proj1")


# ---------------------------------------------------------------------------------------
# gaussian and dog
# ---------------------------------------------------------------------------------------

def test_gaussian_1d_weights_and_limit():
    # normalized positions i/4; w = exp(-d^2 / (2 * 0.5^2)); limit 0.2 drops |i - j| = 4
    conn = C.gaussian(pop(5), pop(5), amp=1.0, sigma=0.5, limit=0.2)
    check_structure(conn)
    assert conn.nb_synapses == 23
    assert (0, 4) not in pairs(conn) and (4, 0) not in pairs(conn)
    d = (conn.post_indices() - conn.indices) / 4.0
    np.testing.assert_allclose(conn.weights, np.exp(-d**2 / 0.5), rtol=1e-6)


def test_gaussian_2d_weights_against_formula():
    pre, post = pop((3, 3)), pop((2, 2))
    conn = C.gaussian(pre, post, amp=2.0, sigma=0.4, limit=0.0)
    assert conn.nb_synapses == 36
    post_xy = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    pre_xy = np.array([[i / 2, j / 2] for i in range(3) for j in range(3)])
    d2 = ((post_xy[:, None, :] - pre_xy[None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_allclose(dense(conn), 2.0 * np.exp(-d2 / (2 * 0.4**2)), rtol=1e-6)


def test_gaussian_recurrent_removes_self_connections():
    p = pop(4)
    conn = C.gaussian(p, p, amp=1.0, sigma=1.0)
    assert conn.nb_synapses == 12 and all(i != j for i, j in pairs(conn))
    assert C.gaussian(p, p, amp=1.0, sigma=1.0, allow_self_connections=True).nb_synapses == 16


def test_gaussian_negative_amplitude_uses_absolute_limit():
    pos = C.gaussian(pop(5), pop(5), amp=1.0, sigma=0.3, limit=0.1)
    neg = C.gaussian(pop(5), pop(5), amp=-1.0, sigma=0.3, limit=0.1)
    assert pairs(pos) == pairs(neg)
    np.testing.assert_allclose(neg.weights, -pos.weights)


def test_gaussian_takes_random_delays():
    conn = C.gaussian(pop(5), pop(5), 1.0, 0.5, delays=ann.Uniform(1.0, 2.0), rng=rng())
    assert conn.delays.shape == (conn.nb_synapses,)
    assert np.all((conn.delays >= 1.0) & (conn.delays <= 2.0))


def test_gaussian_rejects_different_dimensions():
    with pytest.raises(NetworkError, match=r"same dimension.*\(4,\).*\(2, 2\)"):
        C.gaussian(pop(4), pop((2, 2)), 1.0, 0.5)


def test_gaussian_rejects_views():
    p = pop(6)
    with pytest.raises(NetworkError, match="PopulationView"):
        C.gaussian(p[0:3], pop(3), 1.0, 0.5)


def test_gaussian_rejects_non_positive_sigma():
    with pytest.raises(NetworkError, match="sigma > 0"):
        C.gaussian(pop(3), pop(3), 1.0, 0.0)


def test_dog_weights_and_limit_against_formula():
    conn = C.dog(pop(5), pop(5), amp_pos=1.0, sigma_pos=0.3, amp_neg=0.5, sigma_neg=0.6,
                 limit=0.05)
    d = (np.arange(5)[:, None] - np.arange(5)[None, :]) / 4.0
    w = np.exp(-d**2 / (2 * 0.3**2)) - 0.5 * np.exp(-d**2 / (2 * 0.6**2))
    keep = np.abs(w) > 0.05 * 0.5
    assert pairs(conn) == {(int(i), int(j)) for i, j in zip(*np.nonzero(keep), strict=True)}
    np.testing.assert_allclose(dense(conn)[keep], w[keep], rtol=1e-6)


def test_dog_rejects_non_positive_sigma():
    with pytest.raises(NetworkError, match="sigma_neg > 0"):
        C.dog(pop(3), pop(3), 1.0, 0.2, 0.5, -1.0)


# ---------------------------------------------------------------------------------------
# fixed_probability
# ---------------------------------------------------------------------------------------

def test_fixed_probability_count_within_five_sigma():
    conn = C.fixed_probability(pop(200), pop(200), 0.1, rng=rng(1))
    check_structure(conn)
    n = 200 * 200
    assert abs(conn.nb_synapses - 0.1 * n) < 5 * np.sqrt(n * 0.1 * 0.9)


def test_fixed_probability_one_connects_everything():
    conn = C.fixed_probability(pop(4), pop(3), 1.0)
    assert conn.nb_synapses == 12


def test_fixed_probability_recurrent_has_no_self_connections():
    p = pop(30)
    conn = C.fixed_probability(p, p, 1.0)
    assert conn.nb_synapses == 30 * 29 and all(i != j for i, j in pairs(conn))


def test_fixed_probability_recurrent_allows_self_connections_on_request():
    p = pop(30)
    assert C.fixed_probability(p, p, 1.0, allow_self_connections=True).nb_synapses == 900


def test_fixed_probability_views_stay_inside_the_views():
    pre, post = pop(50), pop(40)
    conn = C.fixed_probability(pre[10:20], post[5:15], 0.5, rng=rng(2))
    assert set(conn.post_ranks) <= set(range(5, 15))
    assert set(conn.indices.tolist()) <= set(range(10, 20))


def test_fixed_probability_is_reproducible_with_the_same_generator():
    a = C.fixed_probability(pop(50), pop(50), 0.3, weights=ann.Uniform(0, 1), rng=rng(5))
    b = C.fixed_probability(pop(50), pop(50), 0.3, weights=ann.Uniform(0, 1), rng=rng(5))
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.weights, b.weights)


def test_fixed_probability_picks_every_pre_neuron_equally_often():
    conn = C.fixed_probability(pop(100), pop(2000), 0.2, rng=rng(3))
    counts = np.bincount(conn.indices, minlength=100)
    assert abs(counts.mean() - 400) < 5 * np.sqrt(2000 * 0.2 * 0.8 / 100)
    assert counts.min() > 400 - 5 * np.sqrt(400 * 0.8)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_fixed_probability_rejects_bad_probabilities(p):
    with pytest.raises(NetworkError, match="between 0 and 1"):
        C.fixed_probability(pop(3), pop(3), p)


# ---------------------------------------------------------------------------------------
# fixed_number_pre / fixed_number_post
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_pre, number", [(20, 10), (2000, 5)])  # dense and sparse draws
def test_fixed_number_pre_gives_exact_distinct_counts(n_pre, number):
    conn = C.fixed_number_pre(pop(n_pre), pop(30), number, rng=rng(4))
    check_structure(conn)  # distinct and sorted within each dendrite
    assert conn.size == 30
    np.testing.assert_array_equal(conn.row_lengths(), number)


@pytest.mark.parametrize("size, number", [(10, 9), (3000, 5)])
def test_fixed_number_pre_recurrent_excludes_self(size, number):
    p = pop(size)
    conn = C.fixed_number_pre(p, p, number, rng=rng(6))
    np.testing.assert_array_equal(conn.row_lengths(), number)
    assert np.all(conn.post_indices() != conn.indices)


def test_fixed_number_pre_picks_uniformly():
    conn = C.fixed_number_pre(pop(1000), pop(4000), 5, rng=rng(7))  # sparse draws
    counts = np.bincount(conn.indices, minlength=1000)  # expected 20 each, Poisson-like
    assert abs(counts.std() - np.sqrt(20)) < 1.0


def test_fixed_number_pre_views():
    pre, post = pop(30), pop(10)
    conn = C.fixed_number_pre(pre[10:20], post[2:5], 4, rng=rng(8))
    np.testing.assert_array_equal(conn.post_ranks, [2, 3, 4])
    assert set(conn.indices.tolist()) <= set(range(10, 20))


def test_fixed_number_pre_rejects_too_many():
    with pytest.raises(NetworkError, match=r"proj2.*between 0 and 5 pre-synaptic"):
        C.fixed_number_pre(pop(5), pop(3), 6, obj_name="proj2")


def test_fixed_number_pre_recurrent_needs_room_for_self_exclusion():
    p = pop(5)
    with pytest.raises(NetworkError, match="self-connections excluded"):
        C.fixed_number_pre(p, p, 5)
    assert C.fixed_number_pre(p, p, 5, allow_self_connections=True).nb_synapses == 25


def test_fixed_number_post_gives_exact_counts_per_pre_neuron():
    conn = C.fixed_number_post(pop(40), pop(25), 7, rng=rng(9))
    check_structure(conn)
    np.testing.assert_array_equal(np.bincount(conn.indices, minlength=40), 7)


def test_fixed_number_post_recurrent_excludes_self():
    p = pop(12)
    conn = C.fixed_number_post(p, p, 11, rng=rng(10))
    assert conn.nb_synapses == 12 * 11 and np.all(conn.post_indices() != conn.indices)


def test_fixed_number_post_views():
    pre, post = pop(10), pop(30)
    conn = C.fixed_number_post(pre[0:4], post[20:30], 3, rng=rng(11))
    np.testing.assert_array_equal(np.bincount(conn.indices, minlength=10)[:4], 3)
    assert set(conn.post_ranks) <= set(range(20, 30))


def test_fixed_number_post_rejects_too_many():
    with pytest.raises(NetworkError, match="between 0 and 4 post-synaptic"):
        C.fixed_number_post(pop(5), pop(4), 5)


# ---------------------------------------------------------------------------------------
# Weights and delays
# ---------------------------------------------------------------------------------------

def test_random_weights_one_per_synapse_within_bounds():
    conn = C.all_to_all(pop(10), pop(8), weights=ann.Uniform(0.5, 1.0), rng=rng())
    assert conn.weights.shape == (80,) and conn.weights.dtype == np.float64
    assert np.all((conn.weights >= 0.5) & (conn.weights <= 1.0)) and np.unique(conn.weights).size == 80


def test_random_delays_one_per_synapse_within_bounds():
    conn = C.fixed_number_pre(pop(10), pop(8), 3, delays=ann.DiscreteUniform(1, 4), rng=rng())
    assert conn.delays.shape == (24,)
    assert set(np.unique(conn.delays)) <= {1.0, 2.0, 3.0, 4.0}


def test_weights_array_of_one_value_per_synapse():
    conn = C.all_to_all(pop(2), pop(2), weights=np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(dense(conn), [[1.0, 2.0], [3.0, 4.0]])


def test_weights_array_of_wrong_length_is_rejected():
    with pytest.raises(NetworkError, match="3 values but the pattern creates 4 synapses"):
        C.all_to_all(pop(2), pop(2), weights=[1.0, 2.0, 3.0])


def test_negative_delays_are_rejected():
    with pytest.raises(NetworkError, match=r"proj5.*non-negative"):
        C.all_to_all(pop(2), pop(2), delays=-1.0, obj_name="proj5")


def test_negative_random_delays_are_rejected():
    with pytest.raises(NetworkError, match="non-negative"):
        C.all_to_all(pop(2), pop(2), delays=ann.Normal(-5.0, 0.1), rng=rng())


def test_distribution_with_its_own_seed_is_reproducible():
    a = C.all_to_all(pop(5), pop(5), weights=ann.Uniform(0, 1, seed=3))
    b = C.all_to_all(pop(5), pop(5), weights=ann.Uniform(0, 1, seed=3))
    np.testing.assert_array_equal(a.weights, b.weights)


# ---------------------------------------------------------------------------------------
# from_list
# ---------------------------------------------------------------------------------------

def test_from_list_tuples_are_pre_post_weight_delay():
    conn = C.from_list(pop(4), pop(3), [(3, 1, 0.5, 2.0), (0, 1, 0.25, 1.0), (2, 0, 1.5, 0.0)])
    check_structure(conn)
    np.testing.assert_array_equal(conn.post_ranks, [0, 1])
    np.testing.assert_array_equal(conn.indices, [2, 0, 3])
    np.testing.assert_array_equal(conn.weights, [1.5, 0.25, 0.5])
    np.testing.assert_array_equal(conn.delays, [0.0, 1.0, 2.0])


def test_from_list_without_delays():
    conn = C.from_list(pop(2), pop(2), [(0, 1, 0.5), (1, 0, 0.7)])
    assert conn.delays == 0.0
    np.testing.assert_array_equal(dense(conn), [[0.0, 0.7], [0.5, 0.0]])


def test_from_list_equal_delays_become_one_value():
    conn = C.from_list(pop(2), pop(2), [(0, 1, 0.5, 2.0), (1, 0, 0.7, 2.0)])
    assert conn.delays == 2.0


def test_from_list_views_count_in_view_order():
    pre, post = pop(10), pop(10)
    conn = C.from_list(pre[5:8], post[2:4], [(0, 1, 1.0, 0.0), (2, 0, 2.0, 0.0)])
    assert pairs(conn) == {(3, 5), (2, 7)}


def test_from_list_rejects_duplicates():
    with pytest.raises(NetworkError, match="more than once"):
        C.from_list(pop(3), pop(3), [(0, 1, 1.0, 0.0), (0, 1, 2.0, 0.0)])


def test_from_list_rejects_bad_tuples():
    with pytest.raises(NetworkError, match=r"\(pre, post, weight, delay\)"):
        C.from_list(pop(3), pop(3), [(0, 1)])


def test_from_list_rejects_indices_outside_the_population():
    with pytest.raises(NetworkError, match="post-synaptic index 5"):
        C.from_list(pop(3), pop(3), [(0, 5, 1.0, 0.0)])


# ---------------------------------------------------------------------------------------
# from_matrix
# ---------------------------------------------------------------------------------------

def synfire(n=4):
    w = np.array([[None] * n] * n)
    for i in range(n):
        w[i, (i - 1) % n] = 1.0
    return w


def test_from_matrix_none_means_no_synapse():
    p = pop(4)
    conn = C.from_matrix(p, p, synfire())
    check_structure(conn)
    assert pairs(conn) == {(0, 3), (1, 0), (2, 1), (3, 2)}


def test_from_matrix_zeros_are_synapses():
    conn = C.from_matrix(pop(2), pop(2), np.array([[0.0, 1.0], [2.0, 0.0]]))
    assert conn.nb_synapses == 4


def test_from_matrix_default_orientation_is_post_by_pre():
    w = np.arange(6, dtype=float).reshape(2, 3)  # 2 post x 3 pre
    np.testing.assert_array_equal(dense(C.from_matrix(pop(3), pop(2), w)), w)


def test_from_matrix_pre_post_orientation():
    w = np.arange(6, dtype=float).reshape(3, 2)  # 3 pre x 2 post
    np.testing.assert_array_equal(dense(C.from_matrix(pop(3), pop(2), w, pre_post=True)), w.T)


def test_from_matrix_list_of_lists_with_none():
    conn = C.from_matrix(pop(2), pop(2), [[None, 0.5], [0.25, None]])
    np.testing.assert_array_equal(dense(conn), [[0.0, 0.5], [0.25, 0.0]])


def test_from_matrix_delays_matrix():
    w = [[1.0, None], [None, 2.0]]
    d = [[3.0, None], [None, 4.0]]
    conn = C.from_matrix(pop(2), pop(2), w, delays=d)
    np.testing.assert_array_equal(conn.delays, [3.0, 4.0])


def test_from_matrix_views():
    pre, post = pop(10), pop(10)
    conn = C.from_matrix(pre[6:8], post[1:3], [[1.0, None], [None, 2.0]])
    assert pairs(conn) == {(1, 6), (2, 7)}


def test_from_matrix_shape_mismatch_names_expected_and_given():
    with pytest.raises(NetworkError, match=r"proj4.*\(2, 3\) \(post, pre\), got \(3, 2\)"):
        C.from_matrix(pop(3), pop(2), np.ones((3, 2)), obj_name="proj4")


def test_from_matrix_shape_mismatch_pre_post():
    with pytest.raises(NetworkError, match=r"\(3, 2\) \(pre, post\), got \(2, 3\)"):
        C.from_matrix(pop(3), pop(2), np.ones((2, 3)), pre_post=True)


def test_from_matrix_rejects_nan():
    with pytest.raises(NetworkError, match="None"):
        C.from_matrix(pop(2), pop(2), [[np.nan, 1.0], [1.0, 1.0]])


# ---------------------------------------------------------------------------------------
# from_sparse
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["lil", "csr", "csc"])
def test_from_sparse_round_trip(fmt):
    pre, post = pop(30), pop(20)
    conn = C.fixed_probability(pre, post, 0.3, weights=ann.Normal(0, 1), rng=rng(12))
    matrix = conn.to_scipy().T.asformat(fmt)  # (pre, post)
    back = C.from_sparse(pre, post, matrix)
    for key in ("post_ranks", "indptr", "indices", "weights"):
        np.testing.assert_array_equal(getattr(back, key), getattr(conn, key))


def test_from_sparse_first_index_is_pre():
    m = sp.lil_matrix((3, 2))  # 3 pre x 2 post
    m[2, 0] = 0.5
    conn = C.from_sparse(pop(3), pop(2), m, delays=2.0)
    assert pairs(conn) == {(0, 2)} and conn.delays == 2.0


def test_from_sparse_keeps_explicit_zeros():
    m = sp.csr_matrix((np.array([0.0, 1.0]), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    assert C.from_sparse(pop(2), pop(2), m).nb_synapses == 2


def test_from_sparse_views():
    pre, post = pop(10), pop(10)
    m = sp.csr_matrix(np.array([[0.0, 1.0], [2.0, 0.0]]))  # (pre, post)
    assert pairs(C.from_sparse(pre[4:6], post[7:9], m)) == {(8, 4), (7, 5)}


def test_from_sparse_shape_mismatch():
    with pytest.raises(NetworkError, match=r"\(3, 2\) \(pre, post\), got \(2, 3\)"):
        C.from_sparse(pop(3), pop(2), sp.lil_matrix((2, 3)))


def test_from_sparse_rejects_dense_arrays():
    with pytest.raises(NetworkError, match="lil, csr or csc"):
        C.from_sparse(pop(2), pop(2), np.ones((2, 2)))


def test_from_sparse_rejects_per_synapse_delays():
    with pytest.raises(NetworkError, match="one delay"):
        C.from_sparse(pop(2), pop(2), sp.lil_matrix((2, 2)), delays=[1.0, 2.0])


# ---------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------

def assert_same(a, b):
    assert (a.post_size, a.pre_size) == (b.post_size, b.pre_size)
    for key in ("post_ranks", "indptr", "indices"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    for key in ("weights", "delays"):
        assert type(getattr(a, key)) is type(getattr(b, key))
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


@pytest.mark.parametrize("ext", [".npz", ".data", ".pickle", ".gz", ".mat", ".bin"])
def test_file_round_trip_is_exact(tmp_path, ext):
    conn = C.fixed_probability(pop(30), pop(20), 0.2, weights=ann.Normal(0, 1),
                               delays=ann.Uniform(0, 5), rng=rng(13))
    save_connectivity(conn, str(tmp_path / f"c{ext}"))
    assert_same(load_connectivity(str(tmp_path / f"c{ext}")), conn)


@pytest.mark.parametrize("ext", [".npz", ".gz", ".mat"])
def test_file_round_trip_keeps_shared_values(tmp_path, ext):
    conn = C.fixed_number_pre(pop(10), pop(6), 3, weights=0.5, delays=2.0, rng=rng())
    save_connectivity(conn, str(tmp_path / f"c{ext}"))
    assert_same(load_connectivity(str(tmp_path / f"c{ext}")), conn)


def test_file_content_keys(tmp_path):
    conn = make_conn()
    save_connectivity(conn, str(tmp_path / "c.data"))
    with open(tmp_path / "c.data", "rb") as f:
        data = pickle.load(f)
    assert set(data) == {"post_ranks", "pre_ranks", "w", "delay", "size", "nb_synapses",
                         "pre_size", "post_size"}
    assert [list(r) for r in data["pre_ranks"]] == [[0, 2], [1]] and data["delay"] == 1.0


def test_gz_file_is_gzipped(tmp_path):
    save_connectivity(make_conn(), str(tmp_path / "c.gz"))
    with gzip.open(tmp_path / "c.gz", "rb") as f:
        assert pickle.load(f)["nb_synapses"] == 3


def test_from_file_loads_into_populations(tmp_path):
    pre, post = pop(30), pop(20)
    conn = C.fixed_probability(pre, post, 0.2, rng=rng(14))
    save_connectivity(conn, str(tmp_path / "c.npz"))
    assert_same(C.from_file(pre, post, str(tmp_path / "c.npz")), conn)


def test_from_file_rejects_other_population_sizes(tmp_path):
    save_connectivity(C.all_to_all(pop(3), pop(2)), str(tmp_path / "c.npz"))
    with pytest.raises(NetworkError, match=r"proj6.*sizes 3 \(pre\) and 2 \(post\)"):
        C.from_file(pop(4), pop(2), str(tmp_path / "c.npz"), obj_name="proj6")


def test_from_file_checks_view_membership(tmp_path):
    pre, post = pop(6), pop(4)
    save_connectivity(C.all_to_all(pre, post), str(tmp_path / "c.npz"))
    with pytest.raises(NetworkError, match="not in the pre-synaptic view"):
        C.from_file(pre[0:3], post, str(tmp_path / "c.npz"))


def test_load_missing_file():
    with pytest.raises(NetworkError, match="does not exist"):
        load_connectivity("nowhere.npz")


def test_load_file_without_a_dict(tmp_path):
    with open(tmp_path / "c.data", "wb") as f:
        pickle.dump([1, 2, 3], f)
    with pytest.raises(NetworkError, match=r"c\.data.*dict"):
        load_connectivity(str(tmp_path / "c.data"))


def test_load_file_missing_keys(tmp_path):
    with open(tmp_path / "c.data", "wb") as f:
        pickle.dump({"post_ranks": [0]}, f)
    with pytest.raises(NetworkError, match=r"c\.data.*pre_ranks, w"):
        load_connectivity(str(tmp_path / "c.data"))


def test_load_file_with_inconsistent_counts(tmp_path):
    data = make_conn().to_dict()
    data["nb_synapses"] = 5
    with open(tmp_path / "c.data", "wb") as f:
        pickle.dump(data, f)
    with pytest.raises(NetworkError, match="'nb_synapses' says 5"):
        load_connectivity(str(tmp_path / "c.data"))


def test_load_unreadable_file(tmp_path):
    (tmp_path / "c.npz").write_bytes(b"not a numpy file")
    with pytest.raises(NetworkError, match=r"cannot read.*c\.npz"):
        load_connectivity(str(tmp_path / "c.npz"))


# ---------------------------------------------------------------------------------------
# LILConnectivity / CSR and with_func
# ---------------------------------------------------------------------------------------

def test_lil_records_dendrites():
    lil = LILConnectivity()
    lil.add(2, [3, 0], [0.5, 0.25], [1.0, 2.0])
    lil.push_back(0, [1], 0.75, 0.0)
    assert lil.size == 2 and lil.nb_synapses == 3
    assert lil.post_rank == [2, 0] and lil.pre_rank == [[3, 0], [1]]
    assert lil.w == [[0.5, 0.25], [0.75]] and lil.delay == [[1.0, 2.0], [0.0]]


def test_lil_to_connectivity_sorts():
    lil = LILConnectivity()
    lil.add(2, [3, 0], [0.5, 0.25], [1.0, 2.0])
    lil.add(0, [1], [0.75], [0.0])
    conn = lil.to_connectivity(3, 4)
    check_structure(conn)
    np.testing.assert_array_equal(conn.post_ranks, [0, 2])
    np.testing.assert_array_equal(conn.indices, [1, 0, 3])
    np.testing.assert_array_equal(conn.weights, [0.75, 0.25, 0.5])
    np.testing.assert_array_equal(conn.delays, [0.0, 2.0, 1.0])


def test_lil_broadcasts_single_values():
    lil = CSR()
    lil.add(0, [0, 1, 2], [0.5], 1.0)
    conn = lil.to_connectivity(1, 3)
    np.testing.assert_array_equal(conn.weights, [0.5, 0.5, 0.5])
    assert conn.delays == 1.0


def test_lil_skips_empty_dendrites():
    lil = LILConnectivity()
    lil.add(0, [], [], [])
    assert lil.size == 0 and lil.to_connectivity(2, 2).nb_synapses == 0


def test_lil_merges_a_dendrite_added_twice():
    lil = LILConnectivity()
    lil.add(1, [2], [1.0], [0.0])
    lil.add(1, [0], [2.0], [0.0])
    np.testing.assert_array_equal(lil.to_connectivity(2, 3).indices, [0, 2])


def test_lil_rejects_a_synapse_added_twice():
    lil = LILConnectivity()
    lil.add(1, [2], [1.0], [0.0])
    lil.add(1, [2], [2.0], [0.0])
    with pytest.raises(NetworkError, match=r"proj8.*more than once"):
        lil.to_connectivity(2, 3, "proj8")


def test_lil_rejects_wrong_number_of_weights():
    with pytest.raises(NetworkError, match="3 ranks but 2 weights"):
        LILConnectivity().add(0, [0, 1, 2], [1.0, 2.0], 0.0)


def probabilistic_pattern(pre, post, weight, probability):
    synapses = CSR()
    gen = np.random.default_rng(0)
    for rk in post.ranks:
        ranks = [r for r in pre.ranks if gen.random() < probability]
        synapses.add(int(rk), ranks, [weight] * len(ranks), [0.0] * len(ranks))
    return synapses


def test_with_func_calls_the_method_with_its_arguments():
    conn = C.with_func(pop(10), pop(5), probabilistic_pattern, weight=0.5, probability=1.0)
    assert conn.nb_synapses == 50 and np.all(conn.weights == 0.5) and conn.delays == 0.0


def test_with_func_rejects_other_return_types():
    def bad(pre, post):
        return []

    with pytest.raises(NetworkError, match=r"proj9.*bad\(\) returned list"):
        C.with_func(pop(2), pop(2), bad, obj_name="proj9")


def test_with_func_rejects_ranks_outside_the_view():
    def local_ranks(pre, post):
        lil = LILConnectivity()
        for i in range(post.size):  # local indices instead of post.ranks
            lil.add(i, [0], [1.0], [0.0])
        return lil

    with pytest.raises(NetworkError, match="not in the post-synaptic view"):
        C.with_func(pop(3), pop(10)[5:8], local_ranks)


def test_with_func_rejects_ranks_outside_the_population():
    def too_far(pre, post):
        lil = LILConnectivity()
        lil.add(0, [7], [1.0], [0.0])
        return lil

    with pytest.raises(NetworkError, match="pre-synaptic rank 7"):
        C.with_func(pop(3), pop(3), too_far)


# ---------------------------------------------------------------------------------------
# Every pattern
# ---------------------------------------------------------------------------------------

PATTERNS = {
    "all_to_all": lambda a, b: C.all_to_all(a, b, weights=ann.Normal(0, 1)),
    "one_to_one": lambda a, b: C.one_to_one(a, b),
    "gaussian": lambda a, b: C.gaussian(a, b, 1.0, 0.3),
    "dog": lambda a, b: C.dog(a, b, 1.0, 0.2, 0.5, 0.6),
    "fixed_probability": lambda a, b: C.fixed_probability(a, b, 0.4),
    "fixed_number_pre": lambda a, b: C.fixed_number_pre(a, b, 4),
    "fixed_number_post": lambda a, b: C.fixed_number_post(a, b, 4),
}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_builds_a_valid_recurrent_structure(name):
    p = pop(12)
    check_structure(PATTERNS[name](p, p))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_small_blocks_give_the_same_structure(monkeypatch, name):
    p = pop(12)
    ann.setup(seed=3)
    expected = PATTERNS[name](p, p)
    monkeypatch.setattr(C, "_BLOCK", 5)  # one postsynaptic neuron (or a few) per block
    ann.setup(seed=3)
    conn = PATTERNS[name](p, p)
    check_structure(conn)
    if name not in ("fixed_probability", "fixed_number_pre", "fixed_number_post"):
        assert pairs(conn) == pairs(expected)
    elif name == "fixed_number_pre":
        np.testing.assert_array_equal(conn.row_lengths(), 4)
    elif name == "fixed_number_post":
        np.testing.assert_array_equal(np.bincount(conn.indices, minlength=12), 4)
