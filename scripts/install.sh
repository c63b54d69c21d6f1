#!/usr/bin/env bash
# Install everything VoiceCoach needs on a Debian machine; safe to run again (skips what is done).
#   bash scripts/install.sh           # runtime only
#   bash scripts/install.sh --test    # plus test and benchmark tools (chromium, pulseaudio, postgresql, pytest…)
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

APT_RUNTIME=(python3 python3-venv python3-dev espeak-ng sox libsndfile1 libportaudio2
             libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)  # the last four: WeasyPrint (PDF reports, nabespreking)
APT_TEST=(chromium pulseaudio pulseaudio-utils libasound2-plugins postgresql postgresql-client)
# Dutch MBROLA diphone voices (espeak-ng -v mb-nl2 / mb-nl3): the customer's voice and test speech.
# They live in Debian contrib/non-free, so they come from a sources list of our own (below).
APT_NONFREE=(mbrola mbrola-nl2 mbrola-nl3)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if ((${#missing[@]})); then
    say "Debian-pakketten installeren: ${missing[*]}"
    as_root apt-get update
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "${missing[@]}"
  else
    say "Debian-pakketten zijn al aanwezig"
  fi
}

# Install from Debian bookworm main+contrib+non-free through a temporary folder of our own that
# holds the sources list, the package lists and the downloaded .deb files for this one apt call:
# no file under /etc/apt, /var/lib/apt/lists or /var/cache/apt changes, later apt calls never see
# contrib/non-free. What changes is only what installing the packages changes.
apt_install_nonfree() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if ((${#missing[@]} == 0)); then
    say "MBROLA-stemmen zijn al aanwezig"
    return
  fi
  say "Debian-pakketten uit contrib/non-free installeren: ${missing[*]}"
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/lists/partial" "$dir/archives/partial"
  cat >"$dir/voicecoach-nonfree.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  chmod -R a+rX "$dir"  # apt downloads as the unprivileged _apt user
  local opts=(
    -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dir"
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::Archives=$dir/archives"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  )
  as_root apt-get "${opts[@]}" update
  DEBIAN_FRONTEND=noninteractive as_root apt-get "${opts[@]}" install -y --no-install-recommends "${missing[@]}"
  as_root rm -rf "$dir"
}

pick_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return
    fi
  done
  echo "VoiceCoach heeft Python 3.11 nodig (Debian 12: apt-get install python3)." >&2
  exit 1
}

apt_install "${APT_RUNTIME[@]}"
apt_install_nonfree "${APT_NONFREE[@]}"
((WITH_TEST)) && apt_install "${APT_TEST[@]}"

if [[ ! -x .venv/bin/python ]]; then
  say "Virtuele omgeving .venv maken"
  "$(pick_python)" -m venv .venv
fi

extras=""
((WITH_TEST)) && extras="[test,bench]"
stamp=".venv/.voicecoach-installed-$(sha256sum pyproject.toml | cut -c1-16)${extras}"
if [[ ! -f "$stamp" ]]; then
  say "Python-pakketten installeren${extras:+ ($extras)}"
  .venv/bin/python -m pip install --quiet --upgrade pip wheel
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  touch "$stamp"
else
  say "Python-pakketten zijn al geïnstalleerd"
fi

say "Modellen samenstellen en controleren"
HF_HUB_OFFLINE=1 .venv/bin/voicecoach models install
