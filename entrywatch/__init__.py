"""EntryWatch runtime: CLI, embedded stack, Redis list store."""
