"""Generated code as plain data (no SymPy), so that the compile cache loads without it.

:class:`PopulationCode` is what the code generator produces for one neuron type and what the
compile cache pickles; a warm ``compile()`` only unpickles it and builds the kernels.
"""

from dataclasses import dataclass, field

__all__ = ["KernelSpec", "PopulationCode"]


@dataclass
class KernelSpec:
    """One element-wise kernel: ``target = source(args)``.

    :param target: array written (attribute or temporary name).
    :param source: numexpr expression text.
    :param args: names of the arrays it reads, in call order.
    :param like: for temporaries, the attribute whose shape and dtype they copy.
    :param text: the model line it comes from.
    """

    target: str
    source: str
    args: list
    like: str | None = None
    text: str = ""


@dataclass
class PopulationCode:
    """The generated code of one neuron type (see :func:`generate_population_code`)."""

    name: str
    targets: list
    random_draws: list
    global_ops: list
    update: list = field(default_factory=list)
    spike: KernelSpec | None = None
    reset: list = field(default_factory=list)
    stop: KernelSpec | None = None
    stop_mode: str = "any"

    def source_text(self):
        """Human-readable listing of the kernels, written to the compile directory."""
        lines = [f"# kernels of neuron '{self.name}' (numexpr)"]
        for d in self.random_draws:
            lines.append(f"{d.name} = random {d.kind}{d.args if d.args else ''}")
        for g in self.global_ops:
            lines.append(f"{g.name} = {g.op}({g.variable})")
        lines.append("# update")
        lines += [f"{k.target} = {k.source}" for k in self.update]
        if self.spike:
            lines += ["# spike", f"{self.spike.target} = {self.spike.source}"]
            lines += ["# reset"] + [f"{k.target} = {k.source}" for k in self.reset]
        return "\n".join(lines) + "\n"
