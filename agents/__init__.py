"""Faust agents, one module each. Each module's ``attach(app, runtime)`` registers it on an app."""
