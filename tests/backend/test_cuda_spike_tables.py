"""Spike delivery through padded tables (``kernels/spike_tables.cu``).

The numbers are compared with the CPU paradigm in ``test_paradigm_parity.py`` (whole
networks); here the kernel is checked against a NumPy hand computation on a small table
with repeated targets and padding, and compiled for the GPU with nvcc.
"""

import numpy as np
import pytest

from annarray.backend import cuda_host
from annarray.backend.cuda_source import module_source

pytestmark = pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")

TYPES = "#define RANK_T long long\n#define ROW_T long long\n#define POST_T int\n"


def test_table_delivery_adds_each_spiking_row():
    post = np.array([[0, 2, 2], [1, 3, 0], [0, 0, 0]], dtype=np.int32)  # last row: padding
    w = np.array([[0.5, 1.0, 2.0], [0.25, 4.0, 0.0], [0.0, 0.0, 0.0]])
    row_of = np.array([1, 2, 0], dtype=np.int64)  # rank 1 has no synapses (padding row)
    ranks = np.array([2, 0, 1, 2], dtype=np.int64)
    g = np.zeros(4)
    kernel = cuda_host.host_module(module_source(TYPES + '#include "spike_tables.cu"\n'))["deliver_table"]
    kernel(np.int32(4), ranks, row_of, np.int32(3), post, w, g)
    # rank 2 twice: row 0 -> g0 += 0.5, g2 += 3.0; rank 0: row 1 -> g1 += 0.25, g3 += 4.0
    np.testing.assert_array_equal(g, [1.0, 0.25, 6.0, 4.0])


@pytest.mark.skipif(cuda_host.nvcc() is None, reason="nvcc is not installed")
@pytest.mark.parametrize("real", ["double", "float"])
def test_compiles_for_the_gpu(real):
    ptx = cuda_host.device_check(module_source(TYPES + '#include "spike_tables.cu"\n', real=real))
    assert ".entry deliver_table" in ptx and ".entry deliver_full" in ptx
