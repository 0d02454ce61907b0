"""Importers that turn outside data (ICE spreadsheets) into agencyref records."""
