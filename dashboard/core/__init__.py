"""Vocabulary shared by every layer: settings, errors, RU/EN strings, number formats."""
