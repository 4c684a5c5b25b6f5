"""``python3 -m benchmarks SUITE [options]``: runs one benchmark suite.

``python3 -m benchmarks SUITE --help`` lists the options of a suite.
"""

import importlib
import sys

from benchmarks import SUITES


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in SUITES:
        print(__doc__.strip())
        print("\nsuites: " + ", ".join(sorted(SUITES)))
        if argv and argv[0] not in ("-h", "--help"):
            print(f"\nunknown suite {argv[0]!r}", file=sys.stderr)
            return 2
        return 0
    module = importlib.import_module(SUITES[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
