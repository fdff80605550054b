"""Checkpoint verifiers: a registry of kinds and one module per kind."""
