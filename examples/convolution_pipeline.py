"""An image through a bank of oriented edge filters and a max-pooling layer (weight sharing).

Pipeline, all rate-coded, with ``annarray.extensions.convolution``:

* ``image``: an ``InputArray`` holding a grey-level picture drawn here (a disk, a square, a
  triangle and a patch of oblique stripes on a dark background; no file is read);
* ``features``: a ``Convolution`` with a bank of four odd-symmetric Gabor filters (7 x 7,
  sigma 1.5 px, wavelength 6 px, orientations 0, 45, 90 and 135 degrees; the classical
  model of simple cells, Jones & Palmer 1987) into a population of shape (size, size, 4)
  whose rate is the edge energy ``r = fabs(sum(exc))`` (zero padding outside the image);
* ``pooled``: a ``Pooling`` ('max' over 2 x 2 windows per feature map) into (size/2, size/2, 4),
  the complex-cell-like stage of convolutional networks (Fukushima 1980).

The feature maps must equal ``|scipy.ndimage.correlate(image, filter, mode='constant')|``
(a cross-correlation with zero padding, as the reference defines a convolution) and the
pooled maps the maxima of 2 x 2 blocks of those (NumPy reshape). The image is set once;
the features respond at the first step and the pooled layer at the second.

Expected result: both maximal differences at round-off level (~1e-16). The 0-degree filter
(varying along x) outlines vertical edges, the 90-degree one horizontal edges. Inside the
stripe patch the image depends on x + y only, so (hand computation) the 135-degree filter,
odd along x - y, sums to 0 there, and the 0- and 90-degree filters, transposes of each other,
give the same response (0.208 mean pooled response at size 96, 45 degrees 0.328).

    python examples/convolution_pipeline.py [--size N] [--outdir DIR] [-j N] [--gpu]
"""

import numpy as np
from scipy import ndimage

import annarray as ann
from annarray.extensions.convolution import Convolution, Pooling

try:
    from example_support import parse_args, pyplot, save_figure
except ImportError:  # imported as examples.convolution_pipeline (the tests)
    from examples.example_support import parse_args, pyplot, save_figure

ORIENTATIONS = (0.0, 45.0, 90.0, 135.0)  # degrees


def make_image(size):
    """A (size, size) picture in [0, 1] on a black background (no edge at the image border):
    disk, square, triangle and stripes that depend on x + y only (row + column). Returns the
    image and the boolean mask of the stripe patch."""
    y, x = np.mgrid[0:size, 0:size] / size  # coordinates in [0, 1)
    image = np.zeros((size, size))
    image[(x - 0.27) ** 2 + (y - 0.27) ** 2 < 0.17 ** 2] = 0.9  # disk
    image[(np.abs(x - 0.73) < 0.15) & (np.abs(y - 0.27) < 0.15)] = 0.6  # square
    triangle = (y > 0.55) & (y < 0.9) & (np.abs(x - 0.27) < (y - 0.55) * 0.6)
    image[triangle] = 0.8
    patch = (np.abs(x - 0.73) < 0.18) & (np.abs(y - 0.73) < 0.18)
    stripes = 0.5 + 0.4 * np.sign(np.sin(2 * np.pi * (x + y) * size / 12.0))
    image[patch] = stripes[patch]
    return image, patch


def gabor_bank(size=7, sigma=1.5, wavelength=6.0):
    """Odd-symmetric (sine) Gabor filters, one per orientation: (4, size, size), zero mean.

    The filter of orientation theta varies along the direction theta (0 degrees: along x, so
    it detects vertical edges)."""
    half = size // 2
    y, x = np.mgrid[-half:half + 1, -half:half + 1].astype(float)
    bank = []
    for theta in np.deg2rad(ORIENTATIONS):
        u = x * np.cos(theta) + y * np.sin(theta)
        g = np.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2)) * np.sin(2 * np.pi * u / wavelength)
        bank.append(g / np.abs(g).sum())
    return np.array(bank)


def build(image, bank):
    ann.clear()
    ann.setup(dt=1.0, seed=1)
    size = image.shape[0]
    n = len(bank)
    inp = ann.InputArray(geometry=image.shape, name="image")
    features = ann.Population((size, size, n), ann.Neuron(equations="r = fabs(sum(exc))"), name="features")
    pooled = ann.Population((size // 2, size // 2, n), ann.Neuron(equations="r = sum(exc)"), name="pooled")
    conv = Convolution(inp, features, "exc", name="gabor")
    conv.connect_filters(bank, padding=0.0)
    pool = Pooling(features, pooled, "exc", operation="max", name="max-pool")
    pool.connect_pooling(extent=(2, 2, 1))
    ann.compile()
    inp.r = image
    return inp, features, pooled


def library_result(image, bank):
    """SciPy/NumPy computation of both stages: (size, size, 4) and (size/2, size/2, 4)."""
    maps = np.stack([np.abs(ndimage.correlate(image, k, mode="constant", cval=0.0)) for k in bank], axis=-1)
    s = image.shape[0] // 2
    blocks = maps[: 2 * s, : 2 * s].reshape(s, 2, s, 2, len(bank))
    return maps, blocks.max(axis=(1, 3))


def pooled_interior(mask, filter_size):
    """Pooled positions whose 2 x 2 window lies in ``mask`` with a margin of half a filter, so
    that every filter there sees only the masked region: (size/2, size/2) booleans."""
    core = ndimage.binary_erosion(mask, structure=np.ones((filter_size, filter_size)))
    s = mask.shape[0] // 2
    return core[: 2 * s, : 2 * s].reshape(s, 2, s, 2).all(axis=(1, 3))


def main(argv=None):
    """Runs the example; returns the key figures (max differences against SciPy/NumPy, the
    mean response of each orientation channel inside the stripe patch)."""

    def extra(parser):
        parser.add_argument("--size", type=int, default=96, help="image side in pixels, even, >= 32 (default 96)")

    args = parse_args(__doc__, argv, extra=extra)
    if args.size < 32 or args.size % 2:
        raise SystemExit("--size must be an even number >= 32 (the stripe patch needs an interior)")
    image, patch_mask = make_image(args.size)
    bank = gabor_bank()
    _, features, pooled = build(image, bank)
    ann.simulate(1.0)
    maps = np.array(features.r)
    ann.simulate(1.0)
    pooled_maps = np.array(pooled.r)
    expected_maps, expected_pooled = library_result(image, bank)

    figures = {
        "feature_error": float(np.max(np.abs(maps - expected_maps))),
        "pooled_error": float(np.max(np.abs(pooled_maps - expected_pooled))),
    }
    print(f"image {args.size} x {args.size}, {len(bank)} Gabor filters 7 x 7, max-pooling 2 x 2")
    print(f"max |features - |scipy.ndimage.correlate|| = {figures['feature_error']:.2e}")
    print(f"max |pooled - 2x2 block maxima|           = {figures['pooled_error']:.2e}")
    inside = pooled_interior(patch_mask, bank.shape[1])
    for k, theta in enumerate(ORIENTATIONS):
        figures[f"stripes_{int(theta)}"] = float(pooled_maps[..., k][inside].mean())
        print(f"orientation {theta:5.1f} deg: mean pooled response inside the stripe patch "
              f"{figures[f'stripes_{int(theta)}']:.3g}")
    plot(image, bank, maps, pooled_maps, expected_maps[int(0.27 * args.size), :, 0], args.outdir)
    return figures


def plot(image, bank, maps, pooled_maps, expected_row, outdir):
    plt = pyplot()
    n = len(bank)
    fig, axes = plt.subplots(3, n + 1, figsize=(2.6 * (n + 1), 7.6))
    axes[0, 0].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0, 0].set_title("input image")
    vmax = max(maps.max(), 1e-12)
    for k, theta in enumerate(ORIENTATIONS):
        axes[0, k + 1].imshow(bank[k], cmap="RdBu_r")
        axes[0, k + 1].set_title(f"Gabor {theta:g} deg (7 x 7)")
        axes[1, k + 1].imshow(maps[..., k], cmap="magma", vmin=0, vmax=vmax)
        axes[1, k + 1].set_title(f"feature map {theta:g} deg")
        axes[2, k + 1].imshow(pooled_maps[..., k], cmap="magma", vmin=0, vmax=vmax)
        axes[2, k + 1].set_title(f"max-pooled {theta:g} deg")
    axes[1, 0].imshow(maps.max(axis=-1), cmap="magma")
    axes[1, 0].set_title("max over orientations")
    for ax in axes.flat[: 2 * (n + 1)]:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[2, 1:]:
        ax.set_xticks([])
        ax.set_yticks([])
    row = int(0.27 * image.shape[0])  # through the disk and the square
    ax = axes[2, 0]
    ax.plot(maps[row, :, 0], "-", color="tab:blue", lw=2, label="annarray")
    ax.plot(expected_row, "k.", ms=4, label="scipy.ndimage")
    ax.set_title(f"0 deg map, row {row}", fontsize=10)
    ax.set_xlabel("column (px)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, "convolution_pipeline.png", outdir)


if __name__ == "__main__":
    main()
