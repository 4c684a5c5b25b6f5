"""examples/convolution_pipeline.py on a 32 x 32 image, picture in a temporary folder."""

import pytest

from examples import convolution_pipeline

# Round-off bound: each output is a sum of 49 products with weights of total magnitude 1
# (the filters are normalised to sum |g| = 1) and rates <= 1, so two summation orders differ
# by at most ~49 * 2.2e-16 ~ 1.1e-14.
ROUND_OFF = 49 * 2.3e-16


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One run shared by the tests of this file, in a temporary working directory."""
    outdir = tmp_path_factory.mktemp("convolution_pipeline")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outdir)
        result = convolution_pipeline.main(["--size", "32", "--outdir", str(outdir)])
    result["png"] = outdir / "convolution_pipeline.png"
    return result


def test_feature_maps_equal_scipy_correlate(figures):
    """Library computation: |scipy.ndimage.correlate(image, g, mode='constant', cval=0)| for
    each Gabor filter g (a cross-correlation with zero padding, docs/reference_facts.md Q1)."""
    assert figures["feature_error"] < ROUND_OFF


def test_pooled_maps_equal_block_maxima(figures):
    """Hand/NumPy computation: the maximum of each 2 x 2 block of the feature maps (Q2: the
    window of post neuron i starts at 2i)."""
    assert figures["pooled_error"] < ROUND_OFF
    assert figures["png"].stat().st_size > 0


def test_filter_along_the_stripes_is_silent(figures):
    """Hand computation: inside the patch the image depends on row + column only; the
    135-degree filter is odd under exchanging its x and y offsets, so its terms cancel in
    pairs along every anti-diagonal: response 0 up to round-off."""
    assert figures["stripes_135"] < ROUND_OFF


def test_transposed_filters_respond_equally_to_the_stripes(figures):
    """Hand computation: the 90-degree filter is the transpose of the 0-degree one, and an
    image that depends on row + column is unchanged by swapping the offsets: both channels
    give the same responses inside the patch, and the 45-degree channel (across the stripes)
    the strongest."""
    assert figures["stripes_0"] == pytest.approx(figures["stripes_90"], abs=ROUND_OFF)
    assert figures["stripes_45"] > figures["stripes_0"] > 0.0
