"""What every example script shares: its command line, the plotting backend and figure files.

Each example is run as ``python examples/NAME.py [--duration MS] [--outdir DIR] [--gpu] [-j N]``.
annarray reads ``--gpu``/``-j``/``--seed`` itself at import; the options here are the
example's own, and unknown options are left to annarray (``parse_known_args``).

The tests import an example and call its ``main(argv)`` with a short duration and a temporary
``--outdir``, so that a test run never overwrites the pictures committed next to the scripts.
"""

import argparse
import os

__all__ = ["parse_args", "pyplot", "save_figure"]

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(doc, argv=None, duration=None, extra=None):
    """Parses the example's options.

    ``doc``: the example's docstring (its first line becomes the description);
    ``duration``: default simulated time in ms, or None when the example has no duration;
    ``extra``: optional callable ``extra(parser)`` that adds the example's own options.
    Returns the ``argparse.Namespace`` (``outdir`` is always set, ``duration`` when asked for).
    """
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    if duration is not None:
        parser.add_argument(
            "--duration", type=float, default=duration, help=f"simulated time in ms (default {duration:g})"
        )
    parser.add_argument("--outdir", default=HERE, help="folder for the PNG files (default: examples/)")
    if extra is not None:
        extra(parser)
    args, _ = parser.parse_known_args(argv)
    return args


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend (works without a display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, name, outdir):
    """Writes ``fig`` as ``outdir/name`` (PNG, 80 dpi), closes it, prints and returns the path."""
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, name)
    fig.savefig(path, dpi=80)
    pyplot().close(fig)
    print(f"figure written to {path}")
    return path
