"""Oborot: regional foreign-trade statistics dashboard."""

__version__ = "0.1.0"
