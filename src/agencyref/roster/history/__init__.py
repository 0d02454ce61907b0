"""ICE's 287(g) list over time: ICE overwrites its sheet weekly, so agencyref keeps the history.

``model`` (the store's records) · ``dating`` (which date a sheet really holds) · ``build`` (sheets →
store; ``python -m agencyref.roster.history.build DIR -o data/history-287g.json``) · ``store``
(open the store in use, cached; series, listings, changes) · ``ingest`` (add a user's sheets).
"""
