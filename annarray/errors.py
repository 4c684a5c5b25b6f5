"""Errors raised by annarray.

Every error annarray raises because of its input (model text, arguments, files) is a
subclass of :class:`AnnarrayError`, so a script can catch them all in one place.
"""

__all__ = [
    "AnnarrayError",
    "InvalidConfiguration",
    "ModelError",
    "ParserError",
    "NetworkError",
    "CompilationError",
]


class AnnarrayError(Exception):
    """Base class of every error annarray raises on bad input."""


class InvalidConfiguration(AnnarrayError):
    """A configuration value, a command-line flag or a paradigm that cannot be used."""


class ModelError(AnnarrayError):
    """A neuron or synapse description that cannot be turned into a model.

    The message names the object, the offending line and the fix.
    """

    def __init__(self, message, obj_name=None, line=None):
        self.obj_name = obj_name
        self.line = line
        parts = []
        if obj_name:
            parts.append(f"in {obj_name}")
        if line:
            parts.append(f"line '{line}'")
        prefix = (", ".join(parts) + ": ") if parts else ""
        super().__init__(prefix + message)


class ParserError(ModelError):
    """Equation text that does not parse (syntax, unknown name, bad flag)."""


class NetworkError(AnnarrayError):
    """A population, projection, monitor or network used in a way that cannot work
    (wrong geometry, unknown attribute, object not in this network, ...)."""


class CompilationError(AnnarrayError):
    """Generating or building the kernels of a network failed."""
