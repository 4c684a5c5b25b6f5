"""Fixtures of the input-generator tests."""

import pytest

import annarray as ann


def _run_and_record(pops, steps):
    """Simulates ``steps`` steps one by one; returns ``{pop.name: [(step, rank), ...]}`` read
    from ``pop.spike`` after each step (the step index is the one the spike was emitted in)."""
    events = {p.name: [] for p in pops}
    for _ in range(steps):
        step = ann.get_current_step()
        ann.step()
        for p in pops:
            events[p.name].extend((step, int(r)) for r in p.spike)
    return events


@pytest.fixture
def record_spikes():
    """``record_spikes(pops, steps)`` → the spikes of each population, as (step, rank) pairs."""
    return _run_and_record


@pytest.fixture
def spike_counts():
    """``spike_counts(pop, steps)`` → total number of spikes of ``pop`` over ``steps`` steps."""

    def count(pop, steps):
        total = 0
        for _ in range(steps):
            ann.step()
            total += pop._spike_count
        return total

    return count
