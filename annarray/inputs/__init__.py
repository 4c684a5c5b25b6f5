"""Input populations (filled by the spiking-network work)."""
