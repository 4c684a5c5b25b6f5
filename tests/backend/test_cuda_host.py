"""The CPU build of the kernels checks each argument against the kernel's parameter.

On the GPU, CuPy packs a scalar by its NumPy type and gives a kernel an array's memory as it
is: an ``np.int64`` for an ``int`` parameter, or an int64 array for ``const int*``, would be
misread there, while the CPU's calling convention hides it. The CPU build refuses both, so
the emulated runs find such calls.
"""

import numpy as np
import pytest

from annarray.backend import cuda_host
from annarray.backend.cuda_source import module_source
from annarray.errors import CompilationError

pytestmark = pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")

SOURCE = """#define IDX_T long long
ANN_KERNEL void scale(int n, const IDX_T* index, ann_real factor, ann_real* values)
{
    ANN_FOR_EACH(i, n) { values[index[i]] *= factor; }
}
"""


@pytest.fixture
def kernel():
    return cuda_host.host_module(module_source(SOURCE, real="float"))["scale"]


def test_parameters_are_read_from_the_signature(kernel):
    assert kernel.params == [(np.int32, False), (np.int64, True), (np.float32, False), (np.float32, True)]


def test_matching_arguments_run(kernel):
    values = np.ones(3, dtype=np.float32)
    kernel(np.int32(2), np.array([2, 0]), np.float32(3.0), values)
    assert values.tolist() == [3.0, 1.0, 3.0]


@pytest.mark.parametrize("position,wrong,message", [
    (0, np.int64(2), "argument 0 is int64, the kernel takes int32"),
    (1, np.array([2, 0], dtype=np.int32), "argument 1 is array of int32, the kernel takes array of int64"),
    (2, np.float64(3.0), "argument 2 is float64, the kernel takes float32"),
    (3, np.ones(3), "argument 3 is array of float64, the kernel takes array of float32"),
])
def test_mismatched_arguments_are_refused(kernel, position, wrong, message):
    args = [np.int32(2), np.array([2, 0]), np.float32(3.0), np.ones(3, dtype=np.float32)]
    args[position] = wrong
    with pytest.raises(CompilationError, match=message):
        kernel(*args)
