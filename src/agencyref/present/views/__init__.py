"""Build a ``Document`` for each command from the knowledge base (and roster)."""
