"""Shared utilities every app may use: environment readers, the error root,
file serving, cache generations and counters, client addresses, upload
fields. Nothing here imports an app of the project."""
