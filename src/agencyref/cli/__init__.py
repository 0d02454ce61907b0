"""The command line (see ``main.run``)."""

from agencyref.cli.main import app_for, full_app, main, run

__all__ = ["app_for", "full_app", "main", "run"]
