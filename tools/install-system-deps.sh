#!/usr/bin/env bash
# Install the Debian packages the toolkit needs (skips what is already there).
set -euo pipefail
PACKAGES=(
  libcairo2-dev libpango1.0-dev pkg-config   # build manimpango and pycairo
  python3-venv python3-dev gcc               # the virtual environment and C extensions
  espeak-ng                                  # offline speech (pyttsx3's engine on Linux)
  ffmpeg                                     # encoding, joining, ffprobe
  fonts-noto-core fonts-dejavu-core          # fonts with full French/European coverage
  chromium chromium-driver poppler-utils     # tests of render review: the page in a real browser, the PDF as pages
  postgresql                                 # the tests start a throwaway server (records database)
)
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ERROR need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
