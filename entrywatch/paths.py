"""Where the product's bundled files live, found through package resources wherever it is installed from.

``data/`` and ``schemas/`` stay at the top of the repository; pyproject.toml maps them into the
distribution as the resource packages ``entrywatch.data`` (the shared list files under ``lists/``, the
demo's sample entries under ``samples/``) and ``entrywatch.schemas`` (the JSON Schemas of the wire
formats). An editable install maps them to the checkout's folders, a wheel carries copies. Commands that
read lists take ``--lists PATH`` to use other files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    found = resources.files(package)
    if not isinstance(found, Path):  # a zipped install: the loaders need real files
        raise RuntimeError(f"{package} is not installed as files on disk ({found!r}); install EntryWatch unzipped")
    return found


DATA = _folder("entrywatch.data")
DEFAULT_LISTS = DATA / "lists"
SAMPLES = DATA / "samples"
SCHEMAS = _folder("entrywatch.schemas")
