#!/usr/bin/env bash
# System packages the tests need beyond Python: Debian's chromium and chromium-driver (with the DejaVu
# and Noto CJK fonts), for the browser
# test of the worker's web page (driven by Playwright's Python package with executable_path; we never
# run `playwright install`). Installs only what is missing; needs root (or sudo) and Debian's registry.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# names in Chinese script on the page (and in its screenshot) need a CJK font, or they show as boxes
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "ci-deps: need root to install ${missing[*]} (apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "ci-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
