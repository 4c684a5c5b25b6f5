"""Maps the top-level ``kernels/`` folder (hand-written CUDA sources) to ``annarray.kernels``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["annarray", "annarray.*"]), "annarray.kernels"],
    package_dir={"annarray": "annarray", "annarray.kernels": "kernels"},
)
