"""agencyref: who does what in U.S. law enforcement where immigration and local policing meet."""

__version__ = "0.1.0"
