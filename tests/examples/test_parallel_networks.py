"""examples/parallel_networks.py with 2 networks of 200 ms in 2 processes, picture in a temporary folder."""

import math

import pytest

import annarray as ann
from examples import parallel_networks


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One run shared by the tests of this file, in a temporary working directory, with the
    NumPy/numexpr kernels (``jit=False``): numba's first compile of these spiking kernels
    costs several seconds per fresh folder, and nothing checked here depends on the kernel
    flavour."""
    outdir = tmp_path_factory.mktemp("parallel_networks")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outdir)
        ann.setup(jit=False)
        try:
            result = parallel_networks.main(["--networks", "2", "--duration", "200", "--processes", "2",
                                             "--outdir", str(outdir)])
        finally:
            ann.setup(jit=True)
    result["png"] = outdir / "parallel_networks.png"
    return result


def test_parallel_run_equals_the_sequential_run(figures):
    """The same jobs with the same seeds (copy n: seed + n, docs/reference_facts.md P4) give
    the same spike count for every neuron, in processes or one after another."""
    assert figures["max_difference"] == 0
    assert figures["png"].stat().st_size > 0


def test_poisson_inputs_fire_at_their_rate(figures):
    """Analytic: 200 Poisson neurons at nu Hz for 0.2 s fire a Poisson number of spikes with
    mean and variance 200 * nu * 0.2; the counts lie within 5 standard deviations (a
    failure probability of 6e-7 for an unseeded run)."""
    for n, nu in enumerate((10.0, 35.0)):
        expected = 200 * nu * 0.2
        assert figures[f"input_expected_{n}"] == expected
        assert abs(figures[f"input_spikes_{n}"] - expected) < 5 * math.sqrt(expected)


def test_stronger_input_makes_the_network_fire_more(figures):
    """Model property: the mean input current, 20 inputs x 0.3 nA x nu x 5 ms, gives a mean
    depolarisation of 20 MOhm x 0.3 nA = 6 mV at nu = 10 Hz (fluctuation-driven firing, near
    silent) and 21 mV > 15 mV (the threshold) at nu = 35 Hz (mean-driven firing)."""
    assert figures["exc_rate_1"] > 5.0
    assert figures["exc_rate_1"] > 5 * figures["exc_rate_0"]
