#!/usr/bin/env bash
# The checks of `sprout serve` beyond `cargo test`: the browser test in headless Chromium
# (screenshots into target/serve-screens/), the Dockerfile lint, the image's build from exactly
# what the Dockerfile copies (no Docker engine here), and a short bounded load test.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The CLI without the server still builds and lints clean.
cargo clippy --locked --no-default-features --all-targets -- -D warnings
bash e2e/setup/chromium.sh
axe="$(bash e2e/setup/axe.sh | sed -n 's/^AXE=//p')"
# The binary under test: SPROUT_BINARY (CI gives the one its `cargo test` built), else a debug build.
sprout="${SPROUT_BINARY:-}"
if [[ -z "$sprout" ]]; then
  cargo build --locked --bin sprout
  sprout=target/debug/sprout
fi
python3 e2e/serve/browser.py --sprout "$sprout" --screens target/serve-screens --axe "$axe"
bash e2e/serve/lint-dockerfile.sh
python3 e2e/serve/docker_context.py
python3 e2e/serve/load.py --sprout "$sprout" --clients 4 --seconds 5
