"""The command line (see ``main.run``)."""

from agencyref.cli.app import SETTINGS
from agencyref.cli.main import app_for, full_app, main, run

__all__ = ["SETTINGS", "app_for", "full_app", "main", "run"]
