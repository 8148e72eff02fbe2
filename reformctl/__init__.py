"""reformctl: track a reform plan's tasks in git."""

__version__ = "0.1.0"
