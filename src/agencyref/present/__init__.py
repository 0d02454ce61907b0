"""Presentation: one result per command (a Document) and the renderers that turn it into text."""
