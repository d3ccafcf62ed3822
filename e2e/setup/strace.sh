#!/usr/bin/env bash
# Installs Debian's strace for the safe-writing tests (tests/integration/safety.rs), which stop
# sprout at chosen system calls. Does nothing when strace is already there.
set -euo pipefail
command -v strace >/dev/null && exit 0
if [[ "$(id -u)" != 0 ]]; then
  echo "strace-setup: strace is missing; run this script as root (or apt-get install strace)" >&2
  exit 1
fi
echo "strace-setup: installing strace from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends strace >&2
