"""Where each 287(g) agency is: its county, FBI ORI, population covered and staff (from the FBI's
LEE table), every county and city per state, and the resolution of a place name to an answer.

Modules: ``names`` (one normaliser), ``lee`` (reading the FBI table), ``match`` (ICE name → FBI
record), ``build`` (the placement file), ``store`` (reading it), ``resolve`` (text → place).
"""
