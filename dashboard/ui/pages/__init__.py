"""Thin pages: read filters -> call queries -> render."""
