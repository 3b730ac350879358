"""List sources: each module parses one published format (bytes -> rows -> entities, pure)."""
