"""One numexpr kernel (``out = expression(args)``) as a CUDA kernel over the elements.

The GPU backend's counterpart of the CPU's :class:`~annarray.backend.cpu.ElementwiseKernel`:
every kernel the code generators describe as numexpr text (updates not fused into a
population step, synaptic equations, psp of each synapse, per-neuron psp factors) becomes

``elementwise(long long n, const T* a_<arg>…, T_out* out)``

where each argument is a device array: of shape ``(n,)`` if it is in ``arrays``, else one
element (a population-wide value, read once per thread). ``out`` may be one of the
arguments (an update in place): each thread reads element ``i`` before writing it.
"""

from annarray.codegen.cuda_expr import c_expression

__all__ = ["elementwise_source", "ELEMENTWISE_NAME"]

ELEMENTWISE_NAME = "elementwise"


def elementwise_source(source, arg_names, arg_types, arrays, out_type, real="double"):
    """CUDA text of the kernel ``out[i] = source(args at i)``.

    :param source: numexpr expression text.
    :param arg_names: names of the inputs in call order; ``arg_types``: their C types.
    :param arrays: the names among ``arg_names`` whose values vary per element.
    :param out_type: C type of ``out``'s elements.
    :param real: 'double' or 'float', the type of literals.
    """
    rename = {n: (f"a_{n}[i]" if n in arrays else f"s_{n}") for n in arg_names}
    if out_type in ("int", "long long", "unsigned int", "unsigned long long"):
        real = "double"  # an integer result is computed with double literals (float would round it)
    expression = c_expression(source, rename, real)
    params = ["long long n"] + [f"const {t}* a_{n}" for n, t in zip(arg_names, arg_types, strict=True)]
    params.append(f"{out_type}* out")
    lines = [f"ANN_KERNEL void {ELEMENTWISE_NAME}({', '.join(params)})", "{"]
    lines += [f"    const {t} s_{n} = a_{n}[0];" for n, t in zip(arg_names, arg_types, strict=True) if n not in arrays]
    lines += ["    ANN_FOR_EACH(i, n) {", f"        out[i] = ({out_type})({expression});", "    }", "}"]
    return "\n".join(lines) + "\n"
