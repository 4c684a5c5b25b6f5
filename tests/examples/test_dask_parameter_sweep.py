"""examples/dask_parameter_sweep.py with 16 currents and 200 ms per job on a LocalCluster of
2 worker processes, picture in a temporary folder."""

import pytest

import annarray as ann

pytest.importorskip("distributed")
from examples import dask_parameter_sweep  # noqa: E402 (after the skip)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One sweep shared by the tests of this file, in a temporary working directory, with the
    NumPy/numexpr kernels (``jit=False``, passed on to the workers): numba's first compile
    costs several seconds in every fresh worker, and the spike steps of the exponential
    integration do not depend on the kernel flavour."""
    outdir = tmp_path_factory.mktemp("dask_parameter_sweep")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outdir)
        ann.setup(jit=False)
        try:
            result = dask_parameter_sweep.main(["--neurons", "16", "--duration", "200", "--outdir", str(outdir)])
        finally:
            ann.setup(jit=True)
    result["png"] = outdir / "dask_parameter_sweep.png"
    return result


def test_simulated_isi_is_the_analytic_one_up_to_one_step(figures):
    """Analytic LIF interval T = t_ref + tau_m ln(I R / (I R - 15 mV)), R = 20 MOhm. The
    membrane is integrated exactly (exponential method, constant current), the spike comes
    at the first step after the crossing and the refractory period lasts int(t_ref/dt) whole
    steps (docs/reference_facts.md K: IF_curr_exp(i_offset=1) fires every 278 steps for
    T = 277.3 steps; W2 for the whole curve), so 0 <= (ISI - T) / dt < 1 for every current
    and every t_ref."""
    assert figures["min_offset_dt"] >= 0.0
    assert figures["max_offset_dt"] < 1.0
    assert figures["png"].stat().st_size > 0


def test_no_spike_below_the_rheobase(figures):
    """Analytic: with I R <= 15 mV (I <= 0.75 nA) the membrane never reaches the threshold."""
    assert figures["spiking_below_rheobase"] == 0


def test_every_current_above_the_rheobase_is_measured_in_every_job(figures):
    """Hand computation: of the 16 currents 0, 0.2, ..., 3 nA the 12 from 0.8 nA are above
    the rheobase; the slowest, 0.8 nA, has T = t_ref + 20 ln 16 = 55.5 + t_ref <= 60.5 ms,
    so it fires at least twice in 200 ms, in each of the three jobs (t_ref = 0, 2, 5 ms)."""
    assert [figures[f"measured_{t}ms"] for t in (0, 2, 5)] == [12, 12, 12]


def test_isi_at_the_largest_current_is_the_reference_value(figures):
    """Measured on ANNarchy 4.8.2 (docs/reference_facts.md W2, same neurons, 3 nA): an ISI of
    58, 78 and 108 steps of 0.1 ms for t_ref = 0, 2 and 5 ms."""
    assert [figures[f"isi_steps_at_imax_{t}ms"] for t in (0, 2, 5)] == [58, 78, 108]
