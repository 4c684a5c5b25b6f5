"""Hand-written kernel sources (CUDA ``.cu``/``.cuh``) shipped as ``annarray.kernels``.

Loaded with ``importlib.resources.files('annarray.kernels')`` by the GPU backend.
"""
