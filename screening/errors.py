"""The error of a document that names its offending field: an entry, a disposition, a match or desk request."""

from __future__ import annotations


class FieldError(ValueError):
    """Input that cannot be used as given; ``path`` names the offending field (``$.parties.seller.name``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
