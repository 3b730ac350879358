"""Pure screening domain logic: entry parsing, list entities, name matching, rules, decisions.

Nothing in this package imports Kafka, Faust or Redis; agents and the CLI call into it.
"""

ENGINE_VERSION = "0.1.0"
