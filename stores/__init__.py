"""The Redis stores, between the domain (``screening``) and the worker plumbing (``streams``): every key
layout (``stores.keys``) and one module per store. Imports only ``screening``, ``redis`` and plain
libraries."""
