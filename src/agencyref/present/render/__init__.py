"""Renderers: each turns a ``Document`` into text (or a Rich renderable) and never prints."""

from __future__ import annotations

FORMATS = ("table", "json", "yaml", "csv", "tsv", "markdown")
