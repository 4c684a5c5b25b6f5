"""MonitorList.save_all() and Monitor.save(): recordings in HDF5 / .npy files, with the
reference's dataset names (docs/reference_facts.md O3)."""

import h5py
import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError

RATE = ann.Neuron(parameters="I = 1.0", equations="dr/dt = I - r")


def _recorded(steps=5):
    """A rate population (explicit Euler, dt = 1: r(n+1) = r(n) + (I - r(n)) = I = 1 after
    every step) and a spiking one, both recorded, simulated ``steps`` steps."""
    rate = ann.Population((2, 2), RATE, name="A")
    spiking = ann.Population(2, ann.Izhikevich, name="S")
    monitors = ann.MonitorList([ann.Monitor(rate, "r"), ann.Monitor(spiking, ["spike", "v"])])
    ann.compile()
    spiking.i_offset = 20.0
    ann.simulate(float(steps))
    return rate, spiking, monitors


def test_save_all_writes_one_dataset_per_variable(paradigm):
    """/A/r holds get('r'): explicit Euler with dt = 1 from r = 0 gives r = I = 1 after each
    step (hand computation); spikes are stored per rank."""
    _, spiking, monitors = _recorded()
    spikes = monitors[1].get("spike", keep=True)
    assert any(spikes.values())
    monitors.save_all("mons.hdf5")
    with h5py.File("mons.hdf5") as f:
        assert f["A/r"].shape == (5, 4) and np.all(f["A/r"][()] == 1.0)
        assert f["S/v"].shape == (5, 2)
        assert {k: f["S/spike"][k][()].tolist() for k in f["S/spike"]} == {str(k): v for k, v in spikes.items()}
    assert monitors[0].get("r").size == 0  # emptied, as get() without keep


def test_flat_keys_and_reshape(paradigm):
    _, _, monitors = _recorded()
    monitors.save_all("flat.hdf5", keep=True, reshape=True, flat_keys=True)
    with h5py.File("flat.hdf5") as f:
        assert sorted(f) == ["A_r", "S_spike", "S_v"] and f["A_r"].shape == (5, 2, 2)
    assert monitors[0].get("r").shape == (5, 4)  # kept


def test_save_all_needs_the_hdf5_extension():
    _, _, monitors = _recorded()
    with pytest.raises(NetworkError, match=".hdf5"):
        monitors.save_all("mons.h5")
    assert monitors[0].get("r").shape == (5, 4)


def test_two_monitors_of_the_same_variable_are_refused():
    pop = ann.Population(2, RATE, name="A")
    monitors = ann.MonitorList([ann.Monitor(pop, "r"), ann.Monitor(pop, "r")])
    ann.compile()
    ann.simulate(2.0)
    with pytest.raises(NetworkError, match="/A/r"):
        monitors.save_all("mons.hdf5")


def test_monitor_save_npy_and_hdf5(paradigm):
    rate, _, monitors = _recorded()
    monitors[0].save("r.npy", keep=True)
    assert np.load("r.npy").shape == (5, 4)
    monitors[1].save("s.hdf5", variables=["v"])
    with h5py.File("s.hdf5") as f:
        assert f["v"].shape == (5, 2)
    with pytest.raises(NetworkError, match="one variable"):
        monitors[1].save("both.npy")
