"""arbench: a workstation for freight accounts-receivable collectors."""

__version__ = "0.1.0"
