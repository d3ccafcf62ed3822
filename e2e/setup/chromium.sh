#!/usr/bin/env bash
# Installs Debian's headless Chromium and its WebDriver (chromium-driver) for the browser test of
# `sprout serve` (e2e/serve/browser.py). Does nothing when both are already there.
# Prints CHROMIUM=<path> and CHROMEDRIVER=<path>.
set -euo pipefail

log() { echo "chromium-setup: $*" >&2; }

find_tool() { command -v "$1" 2>/dev/null || true; }

browser="$(find_tool chromium)"
driver="$(find_tool chromedriver)"
if [[ -z "$browser" || -z "$driver" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    log "chromium and chromium-driver are missing; run this script as root to install them"
    exit 1
  fi
  log "installing chromium and chromium-driver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  timeout 1200 apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core >&2
  browser="$(find_tool chromium)"
  driver="$(find_tool chromedriver)"
fi
[[ -n "$browser" && -n "$driver" ]] || { log "chromium or chromedriver still missing"; exit 1; }
echo "CHROMIUM=$browser"
echo "CHROMEDRIVER=$driver"
