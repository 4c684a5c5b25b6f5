"""The strict emulation refuses what CuPy refuses between host and device arrays.

``ANNARRAY_CUDA_MODE=strict`` runs the cuda paradigm on :class:`DeviceArray` state so that the
suite finds, without a GPU, the places where annarray would hand a host array to the device
or read a device array as a host one (CuPy raises TypeError in both cases).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.backend import cuda_host
from annarray.backend.cuda import CudaBackend
from annarray.backend.strict_xp import DeviceArray, StrictNumpy

xp = StrictNumpy()


def test_device_functions_return_device_arrays():
    a = xp.asarray([1.0, 2.0])
    assert isinstance(a, DeviceArray) and isinstance(a + 1.0, DeviceArray) and isinstance(xp.zeros(3), DeviceArray)
    assert isinstance(a[a > 1.0], DeviceArray) and isinstance(a.nonzero()[0], DeviceArray)


def test_mixing_host_and_device_arrays_is_refused():
    a = xp.asarray([1.0, 2.0])
    with pytest.raises(TypeError, match="host .* mixed with a device array"):
        a + np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="host .* mixed with a device array"):
        np.add(np.ones(2), a)
    with pytest.raises(TypeError, match="xp.concatenate: a host"):
        xp.concatenate([a, np.ones(1)])
    with pytest.raises(TypeError, match="repeat with an array of counts"):
        xp.repeat(a, xp.asarray([1, 2]))  # CuPy before 14 refuses it (found in review)
    a[...] = np.array([3.0, 4.0])  # a copy to the device, as cupy allows
    assert a.tolist() == [3.0, 4.0]


def test_implicit_copies_to_the_host_are_refused():
    a = xp.asarray([1.0, 2.0])
    for convert in (np.asarray, np.array, np.ascontiguousarray):
        with pytest.raises(TypeError, match="implicit copy to the host"):
            convert(a)
    assert type(a.get()) is np.ndarray and a.get().tolist() == [1.0, 2.0]
    assert np.asarray([1, 2]).tolist() == [1, 2]  # host data still converts


@pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")
def test_kernels_refuse_host_arrays():
    backend = CudaBackend(emulate=True, strict=True)
    launch = backend.kernel_file_function("clock.cu", "advance_clock")
    launch(1, xp.zeros(1, dtype=np.int64))
    with pytest.raises(TypeError, match="advance_clock: argument 0 is a host"):
        launch(1, np.zeros(1, dtype=np.int64))


@pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")
def test_compiled_projection_copies_into_another_network(monkeypatch):
    """Found by the strict emulation: copying a compiled projection read its device values
    with np.array."""
    monkeypatch.setenv("ANNARRAY_CUDA_MODE", "strict")
    ann.setup(paradigm="cuda")
    pop = ann.Population(5, ann.Neuron(equations="r = 1.0 + sum(exc)"))
    proj = ann.Projection(pop, pop, "exc")
    proj.connect_all_to_all(weights=0.5)
    ann.compile()
    net = ann.Network()
    net.add([pop, proj])
    copied = net.get(proj)
    assert np.allclose(np.array(copied.w, dtype=float), 0.5)
    ann.setup(paradigm="openmp")
