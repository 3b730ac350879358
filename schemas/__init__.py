"""The JSON Schemas of the wire formats, installed as the resource package ``entrywatch.schemas``
(pyproject.toml maps this folder); ``entrywatch.paths.SCHEMAS`` is where they are."""
