"""The weighted-sum kernels (``kernels/csr_matvec.cu``) against SciPy / NumPy products.

Built for the CPU through ``annarray.backend.cuda_host`` (rows summed in order) and compiled
for the GPU with nvcc where installed; the GPU's warp-per-row path runs only on a GPU.
"""

import numpy as np
import pytest
import scipy.sparse as sparse

from annarray.backend import cuda_host
from annarray.backend.cuda_source import module_source

pytestmark = pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")


@pytest.mark.parametrize("real,dtype,rtol", [("double", np.float64, 1e-13), ("float", np.float32, 1e-5)])
def test_csr_product_adds_to_the_output(real, dtype, rtol):
    rng = np.random.default_rng(7)
    matrix = sparse.random(300, 500, density=0.05, format="lil", random_state=rng, dtype=np.float64)
    matrix[5] = 0  # an empty row
    matrix = matrix.tocsr()
    matrix.eliminate_zeros()
    assert matrix.indptr[6] == matrix.indptr[5]
    x = rng.uniform(-1, 1, 500)
    out = rng.uniform(-1, 1, 300)
    expected = out + matrix @ x
    got = out.astype(dtype)
    kernel = cuda_host.host_module(module_source("csr_matvec.cu", real=real))["csr_matvec_add"]
    kernel(np.int32(300), matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
           matrix.data.astype(dtype), x.astype(dtype), got)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


def test_dense_product_adds_to_the_output():
    rng = np.random.default_rng(8)
    w, x, out = rng.normal(size=(40, 70)), rng.normal(size=70), rng.normal(size=40)
    got = out.copy()
    cuda_host.host_module(module_source("csr_matvec.cu"))["dense_matvec_add"](np.int32(40), np.int32(70), w, x, got)
    np.testing.assert_allclose(got, out + w @ x, rtol=1e-13)


@pytest.mark.skipif(cuda_host.nvcc() is None, reason="nvcc is not installed")
@pytest.mark.parametrize("real", ["double", "float"])
def test_compiles_for_the_gpu(real):
    ptx = cuda_host.device_check(module_source("csr_matvec.cu", real=real))
    assert ".entry csr_matvec_add" in ptx and ".entry dense_matvec_add" in ptx
