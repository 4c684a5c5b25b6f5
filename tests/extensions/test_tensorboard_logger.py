"""The TensorBoard ``Logger``: what it writes is read back from the event files.

The event files are TFRecord files (per record: an 8-byte little-endian length, a 4-byte
CRC, the serialized ``Event`` protobuf, a 4-byte CRC), parsed here with tensorboardX's own
protobuf classes. Expected values are the logged inputs (hand computation).
"""

import glob
import io
import os
import struct

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
from tensorboardX.proto import event_pb2  # noqa: E402

from annarray.errors import NetworkError  # noqa: E402
from annarray.extensions.tensorboard import Logger  # noqa: E402


def _events(folder):
    """Every ``Event`` of the event files directly in ``folder``, in file order."""
    events = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        data = open(path, "rb").read()
        pos = 0
        while pos < len(data):
            (length,) = struct.unpack("<Q", data[pos:pos + 8])
            payload = data[pos + 12:pos + 12 + length]
            pos += 12 + length + 4
            event = event_pb2.Event()
            event.ParseFromString(payload)
            events.append(event)
    return events


def _values(folder, tag):
    """(step, summary value) of every value logged under ``tag`` in ``folder``."""
    return [(e.step, v) for e in _events(folder) if e.HasField("summary")
            for v in e.summary.value if v.tag == tag]


def _png(value):
    """Pixels of a logged image (uint8, shape (H, W, channels))."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(value.image.encoded_image_string)))


def test_experiment_folder_is_logdir_and_experiment():
    """``Logger(logdir, experiment)`` writes its event file in ``logdir/experiment``."""
    with Logger(logdir="logs", experiment="trial1") as log:
        log.add_scalar("a", 1.0, 0)
    assert log.currentlogdir == os.path.join("logs", "trial1")
    assert glob.glob(os.path.join("logs", "trial1", "events.out.tfevents.*"))


def test_default_experiment_is_a_dated_subfolder_of_runs():
    """Without ``experiment``, the logs go to a new sub-folder of ``runs/``."""
    with Logger() as log:
        log.add_scalar("a", 1.0, 0)
    assert os.path.dirname(log.currentlogdir) == "runs"
    assert os.path.isdir(log.currentlogdir)


def test_scalars_round_trip():
    """Each ``add_scalar`` is read back with its tag, step and value."""
    with Logger("runs", "s") as log:
        for trial in range(3):
            log.add_scalar("Accuracy/Train", 0.25 * trial, trial)
    read = [(step, v.simple_value) for step, v in _values("runs/s", "Accuracy/Train")]
    assert read == [(0, 0.0), (1, 0.25), (2, 0.5)]


def test_add_scalars_writes_one_run_per_key():
    """``add_scalars`` stores each key in its own sub-run ``tag/key`` under the main tag."""
    with Logger("runs", "m") as log:
        log.add_scalars("Accuracy", {"train": 0.75, "test": 0.5}, 4)
    train = _values(os.path.join("runs", "m", "Accuracy", "train"), "Accuracy")
    test = _values(os.path.join("runs", "m", "Accuracy", "test"), "Accuracy")
    assert [(s, v.simple_value) for s, v in train] == [(4, 0.75)]
    assert [(s, v.simple_value) for s, v in test] == [(4, 0.5)]


def test_histogram_round_trip():
    """The histogram summary holds the count, sum, min and max of the logged values."""
    values = np.array([0.5, 1.5, 1.5, 2.0, 4.0])
    with Logger("runs", "h") as log:
        log.add_histogram("weights", values, 7)
    [(step, v)] = _values("runs/h", "weights")
    assert step == 7
    assert (v.histo.num, v.histo.sum, v.histo.min, v.histo.max) == (5, 9.5, 0.5, 4.0)
    assert sum(v.histo.bucket) == 5


def test_image_round_trip_grey():
    """A grey (H, W) image in [0, 1] comes back as its PNG pixels ``uint8(255 * x)``
    (tensorboardX scales floats by 255 and truncates)."""
    img = np.array([[0.0, 0.5], [0.25, 1.0], [1.0, 0.0]])
    with Logger("runs", "i") as log:
        log.add_image("pop/r", img, 1)
    [(step, v)] = _values("runs/i", "pop/r")
    pixels = _png(v)
    assert step == 1 and (v.image.height, v.image.width) == (3, 2)
    np.testing.assert_array_equal(pixels[..., 0], (img.astype(np.float32) * 255).astype(np.uint8))


def test_image_equalize_rescales_min_max():
    """``equalize=True`` maps the array's min to 0 and its max to 255."""
    img = np.array([[10.0, 20.0], [30.0, 50.0]])
    with Logger("runs", "e") as log:
        log.add_image("pop/r", img, 0, equalize=True)
    [(_, v)] = _values("runs/e", "pop/r")
    expected = (((img - 10.0) / 40.0).astype(np.float32) * 255).astype(np.uint8)
    np.testing.assert_array_equal(_png(v)[..., 0], expected)


def test_image_rgb_round_trip():
    """An (H, W, 3) image keeps its three channels."""
    img = np.zeros((2, 3, 3))
    img[0, 1] = [1.0, 0.0, 0.0]
    img[1, 2] = [0.0, 0.0, 1.0]
    with Logger("runs", "c") as log:
        log.add_image("rgb", img, 0)
    [(_, v)] = _values("runs/c", "rgb")
    np.testing.assert_array_equal(_png(v)[..., :3], (img * 255).astype(np.uint8))


def test_image_shape_is_checked():
    """A 1-D array (or a 4-channel image) is refused with the expected shapes."""
    with Logger("runs", "x") as log:
        with pytest.raises(NetworkError, match=r"\(H, W\) or \(H, W, 3\)"):
            log.add_image("bad", np.zeros(5))
        with pytest.raises(NetworkError, match=r"\(H, W\) or \(H, W, 3\)"):
            log.add_image("bad", np.zeros((2, 2, 4)))


def test_images_equalize_per_image():
    """``add_images`` with ``equalize_per_image`` rescales each image by its own range:
    both images come back as the same 0..255 ramp (written as one grid image)."""
    ramp = np.array([[0.0, 1.0], [2.0, 3.0]])
    with Logger("runs", "n") as log:
        log.add_images("fields", np.stack([ramp, 10 * ramp + 5]), 0, equalize=True, equalize_per_image=True)
    [(_, v)] = _values("runs/n", "fields")
    pixels = _png(v)[..., 0]
    expected = ((ramp / 3.0).astype(np.float32) * 255).astype(np.uint8)
    tiles = [pixels[r:r + 2, c:c + 2] for r in range(0, pixels.shape[0], 2)
             for c in range(0, pixels.shape[1], 2)]
    assert sum(np.array_equal(t, expected) for t in tiles) == 2


def test_figure_is_logged_as_image():
    """``add_figure`` logs the figure as an image of its pixel size and closes it."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [0, 1])
    with Logger("runs", "f") as log:
        log.add_figure("activity", fig, 3)
    [(step, v)] = _values("runs/f", "activity")
    assert step == 3 and (v.image.width, v.image.height) == (100, 50)
    assert not plt.fignum_exists(fig.number)


def test_parameters_are_logged_as_hparams():
    """``add_parameters`` writes the hparams plugin data with the parameter names and the
    metric's value."""
    with Logger("runs", "p") as log:
        log.add_parameters({"eta": 0.01, "tau": 10.0}, {"accuracy": 0.875})
    events = [e for path in glob.glob("runs/p/**/", recursive=True) for e in _events(path)]
    plugin = [v for e in events if e.HasField("summary") for v in e.summary.value
              if v.metadata.plugin_data.plugin_name == "hparams"]
    content = b"".join(v.metadata.plugin_data.content for v in plugin)
    assert b"eta" in content and b"tau" in content
    metric = [v.simple_value for e in events if e.HasField("summary") for v in e.summary.value
              if v.tag == "accuracy"]
    assert metric == [0.875]

