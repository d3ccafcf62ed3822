#!/usr/bin/env bash
# Runs one project command inside the Debian root made by e2e/setup/debian-root.sh:
#   debian-root-run.sh <project-dir> <command>
# The project folder is bind-mounted at /srv/app in a private mount namespace (with /proc and
# /dev), so every mount disappears with the command, even when it is killed. Everything is an
# exec chain: the command runs in the caller's process group, so stopping that group stops it.
# Commands of several projects may run in the one root at once: each namespace has its own
# /srv/app.
set -euo pipefail

project="$(cd "$1" && pwd)"
command="$2"

root="${DEBIAN_ROOT:?run e2e/setup/debian-root.sh first (it prints DEBIAN_ROOT=...)}"
[[ -x "$root/usr/bin/ruby" ]] || { echo "no Ruby in $root" >&2; exit 1; }

# The harness's environment, minus what belongs to the host's own toolchains and caches (their
# paths do not exist inside the root).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
unset GEM_HOME GEM_PATH RUBYOPT RUBYLIB BUNDLE_GEMFILE BUNDLE_PATH BUNDLE_APP_CONFIG
unset XDG_CACHE_HOME npm_config_cache UV_CACHE_DIR PIP_CACHE_DIR MAVEN_USER_HOME MAVEN_ARGS

exec unshare --mount --propagation private /bin/sh -euc '
  root="$1" project="$2" command="$3"
  mkdir -p "$root/srv/app"
  mount --bind "$project" "$root/srv/app"
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  exec chroot "$root" /bin/sh -c "cd /srv/app && exec /bin/bash -c \"\$0\"" "$command"
' sh "$root" "$project" "$command"
