"""Model descriptions → kernel sources (numerical methods, printers, caches)."""
