"""Faust wiring: settings, the app factory, topics and wire codecs."""
