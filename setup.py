"""Maps the top-level ``kernels/`` folder (hand-written CUDA sources) to ``annarray.kernels``."""

from setuptools import setup

setup(
    packages=["annarray", *[f"annarray.{p}" for p in (
        "backend", "parser", "codegen", "core", "inputs", "models", "extensions")], "annarray.kernels"],
    package_dir={"annarray": "annarray", "annarray.kernels": "kernels"},
)
