"""backend-mentor: a terminal mentor for learning backend development."""

__version__ = "0.1.0"
