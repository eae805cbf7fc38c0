#!/usr/bin/env bash
# Install SVOX Pico (`pico2wave`, Debian's libttspico-utils) for `voice: {engine: pico}`.
#
# The package is in Debian's non-free component, which a stock machine does not list. This
# script reads a temporary sources list (main + non-free of this release) for this one
# install, and leaves /etc/apt/sources.list* as they are. Run it on purpose: `make pico`.
# `make install` and `make test` never call it.
set -euo pipefail
if command -v pico2wave >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ERROR need root (or sudo) to install libttspico-utils" >&2; exit 1; }
  SUDO=sudo
fi
# shellcheck disable=SC1091
. /etc/os-release
codename="${VERSION_CODENAME:?cannot tell the Debian release from /etc/os-release}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
# the machine's own Debian mirror: the first source of this release (deb822 or one-line format)
mirror="$(awk -v c="$codename" '
  /^URIs:/ {u = $2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i == c && u != "") {print u; exit}}
' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk -v c="$codename" '$1 == "deb" && $3 == c {print $2; exit}' /etc/apt/sources.list)"
fi
[ -n "$mirror" ] || { echo "ERROR no Debian source for $codename in /etc/apt/sources.list*" >&2; exit 1; }
echo "deb $mirror $codename main non-free" >"$work/sources.list"
APT_OPTS=(
  -o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0"
)
echo "installing libttspico-utils from Debian non-free ($codename), sources unchanged"
$SUDO apt-get "${APT_OPTS[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends libttspico-utils
command -v pico2wave >/dev/null || { echo "ERROR pico2wave is still missing after the install" >&2; exit 1; }
echo "pico2wave installed: $(dpkg-query -W -f='${Version}' libttspico-utils)"
