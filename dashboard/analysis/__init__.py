"""Figures: pure transforms, views that read the store, the summary paragraph, quality flags."""
