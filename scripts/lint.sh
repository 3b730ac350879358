#!/usr/bin/env bash
# Lint and type checks the test command runs first: ruff (rules and format) on the tree, mypy (strict) on
# the packages pyproject.toml lists. Quiet unless something fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy --no-error-summary
