"""The knowledge file: typed records, safe YAML, validation, names, the compiled store, queries."""
