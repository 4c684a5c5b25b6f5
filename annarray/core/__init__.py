"""Neurons, populations, monitors and networks: the objects users build models with."""
