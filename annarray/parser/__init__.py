"""Model text → model descriptions (SymPy). No stage here knows about arrays or backends."""
