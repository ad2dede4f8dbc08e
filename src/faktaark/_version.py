"""The version of faktaark: a leaf module anyone may import."""

__version__ = "0.1.0"
