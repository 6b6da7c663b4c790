"""The installed version of twiorm."""

__version__ = "0.1.0"
