"""CPU backend primitives against SciPy's results (the expected values are SciPy's)."""

import numpy as np
import pytest
import scipy.sparse as sp

import annarray as ann
from annarray.backend import cpu


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_split_sparse_product_equals_scipy(monkeypatch, threads):
    monkeypatch.setattr(cpu, "SPMV_SPLIT_NNZ", 1)
    matrix = sp.random(300, 200, density=0.05, format="csr", random_state=1)
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    backend = cpu.CPUBackend(num_threads=threads)
    out = np.ones(300)
    x = np.random.default_rng(2).random(200)
    backend.csr_matvec_plan(matrix.shape, matrix.indptr, matrix.indices, matrix.data)(x, out)
    np.testing.assert_allclose(out, 1.0 + matrix @ x, rtol=1e-12)


def test_split_product_sees_weights_changed_in_place(monkeypatch):
    monkeypatch.setattr(cpu, "SPMV_SPLIT_NNZ", 1)
    matrix = sp.random(50, 40, density=0.2, format="csr", random_state=3)
    backend = cpu.CPUBackend(num_threads=2)
    product = backend.csr_matvec_plan(matrix.shape, matrix.indptr, matrix.indices, matrix.data)
    matrix.data *= 2.0
    out = np.zeros(50)
    x = np.ones(40)
    product(x, out)
    np.testing.assert_allclose(out, matrix @ x, rtol=1e-12)


def test_rate_network_same_with_two_threads(monkeypatch):
    """A rate-coded network gives the same rates with 1 and 2 threads (split products)."""
    monkeypatch.setattr(cpu, "SPMV_SPLIT_NNZ", 1)
    results = []
    for threads in (1, 2):
        ann.clear()
        ann.setup(dt=1.0, seed=7, num_threads=threads)
        pop = ann.Population(200, ann.Neuron(parameters="B = 0.5", equations="tau = 10.0\ntau * dr/dt = B - r + sum(exc)"))
        ann.Projection(pop, pop, "exc").connect_fixed_probability(0.1, ann.Uniform(-0.05, 0.05))
        ann.compile()
        ann.simulate(20)
        results.append(pop.r.copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
