"""Element-wise CUDA kernels generated from numexpr text compute what numexpr computes.

Each kernel is built for the CPU (``annarray.backend.cuda_host``: the same C code, elements
in order) and compared with ``numexpr.evaluate`` of the same text on the same inputs, and
compiled for the GPU with nvcc where it is installed.
"""

import re

import numexpr
import numpy as np
import pytest

from annarray.backend import cuda_host
from annarray.backend.cuda_source import module_source
from annarray.codegen.cuda_elementwise import ELEMENTWISE_NAME, elementwise_source

pytestmark = pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")

_C = {"float64": "double", "float32": "float", "bool": "bool", "int32": "int", "int64": "long long"}

EXPRESSIONS = [
    ("v + dt * (-v + I) / tau", "float64"),
    ("where(v > th, 1.0, 0.0) * exp(-(v - th) ** 2 / 2.0)", "float64"),
    ("(v % th) - arctan2(v, tau) + log1p(abs(v))", "float64"),
    ("(v > th) & ~(I < 0.5)", "bool"),
    ("sqrt(tau) * v ** 3 - 1 / 4", "float64"),
]


def inputs(dtype, n=257):
    rng = np.random.default_rng(3)
    return {
        "v": rng.uniform(-3.0, 3.0, n).astype(dtype),
        "I": rng.uniform(0.0, 1.0, n).astype(dtype),
        "th": np.array(0.7, dtype=dtype),
        "tau": np.array(12.5, dtype=dtype),
        "dt": np.array(0.1, dtype=dtype),
    }


def run_host(source, values, out_dtype, real):
    names = [n for n in values if n in source]
    arrays = {n for n in names if values[n].ndim == 1}
    text = elementwise_source(source, names, [_C[values[n].dtype.name] for n in names], arrays,
                              _C[np.dtype(out_dtype).name], real)
    n = max(values[a].size for a in names)
    out = np.zeros(n, dtype=out_dtype)
    cuda_host.host_module(module_source(text, real=real))[ELEMENTWISE_NAME](
        np.int64(n), *[np.ascontiguousarray(values[a].reshape(-1)) for a in names], out)
    return out, text


@pytest.mark.parametrize("source,out_dtype", EXPRESSIONS)
def test_double_precision_matches_numexpr(source, out_dtype):
    values = inputs(np.float64)
    out, _ = run_host(source, values, out_dtype, "double")
    expected = numexpr.evaluate(source, local_dict=values)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("source,out_dtype", EXPRESSIONS)
def test_single_precision_matches_numexpr_to_float_resolution(source, out_dtype):
    values = inputs(np.float32)
    out_dtype = "bool" if out_dtype == "bool" else "float32"
    out, text = run_host(source, values, out_dtype, "float")
    expected = numexpr.evaluate(source, local_dict={k: v.astype(np.float64) for k, v in values.items()})
    np.testing.assert_allclose(out, expected, rtol=2e-5, atol=2e-5)
    # no double-precision literal or type promotes the single-precision arithmetic
    assert "double" not in text
    assert all(suffix == "f" for suffix in re.findall(r"\b\d+\.\d+(?:e[-+]?\d+)?(f?)", text))


def test_update_in_place_reads_each_element_before_writing_it():
    values = inputs(np.float64)
    v = values["v"].copy()
    text = elementwise_source("v * 2.0 + I", ["v", "I"], ["double", "double"], {"v", "I"}, "double")
    cuda_host.host_module(module_source(text))[ELEMENTWISE_NAME](np.int64(v.size), v, values["I"], v)
    np.testing.assert_array_equal(v, values["v"] * 2.0 + values["I"])


@pytest.mark.skipif(cuda_host.nvcc() is None, reason="nvcc is not installed")
@pytest.mark.parametrize("real", ["double", "float"])
def test_kernels_compile_for_the_gpu(real):
    dtype = np.float64 if real == "double" else np.float32
    values = inputs(dtype)
    for source, out_dtype in EXPRESSIONS:
        names = [n for n in values if n in source]
        text = elementwise_source(source, names, [real] * len(names), {"v", "I"},
                                  "bool" if out_dtype == "bool" else real, real)
        assert f".entry {ELEMENTWISE_NAME}" in cuda_host.device_check(module_source(text, real=real))
