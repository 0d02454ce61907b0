"""ICE's 287(g) roster: agreements, the roster file, its compiled store, place queries and the importer."""
