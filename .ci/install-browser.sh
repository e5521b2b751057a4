#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser/**, driven by playwright-core, which
# downloads no browser of its own). Idempotent: does nothing when /usr/bin/chromium is present.
# Needs root (CI runs as root); never touches any running service.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "== installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -E"; else
      echo "install-browser: not root and no sudo; install the 'chromium' package by hand" >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

echo "== $("$CHROMIUM" --version 2>/dev/null || echo 'chromium: version unknown')"
