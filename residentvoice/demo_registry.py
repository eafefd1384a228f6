"""Imports every feature's demo loaders (each registers with ``@demo_loader``)."""
from .demo import directory  # noqa: F401
