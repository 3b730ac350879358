"""Bundled data, installed as the resource package ``entrywatch.data`` (pyproject.toml maps this folder):
``lists/`` (the shared list files ``entrywatch up`` and ``--lists``' default load) and ``samples/`` (the
demo's entries). Read through ``entrywatch.paths``, never by a path into the checkout."""
