"""The command line (see ``main.run``)."""

from .app import SETTINGS
from .main import app_for, full_app, main, run

__all__ = ["SETTINGS", "app_for", "full_app", "main", "run"]
