#!/usr/bin/env bash
# Builds (once) a Debian root with Debian's packaged Ruby on Rails 7.2 for the Rails end-to-end
# cases, and keeps it in e2e/.cache/debian-root/ so later runs only check it.
# Prints DEBIAN_ROOT=<path> for e2e/setup/debian-root-run.sh.
#
# Mirror: DEBIAN_MIRROR if set, else the first Debian mirror this machine's apt is configured with.
# Nothing is mounted outside a private mount namespace, so nothing stays mounted when this ends.
set -euo pipefail

SUITE="${DEBIAN_ROOT_SUITE:-trixie}"
# Debian's Rails 7.2 and what a generated 7.2 project's Gemfile names (sqlite3, pg, puma,
# bootsnap, rack-cors; rubocop for the lint).
PACKAGES=(ruby rails ruby-sqlite3 ruby-pg puma ruby-bootsnap ruby-rack-cors rubocop)

repo="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$repo/e2e/.cache/debian-root"
root="$cache/$SUITE"
stamp_text="$SUITE ${PACKAGES[*]} wrapper-v1"
mkdir -p "$cache"

log() { echo "debian-root: $*" >&2; }

# One builder at a time (bounded wait).
exec 9>"$cache/.lock"
flock -w 1200 9 || { log "another build holds $cache/.lock"; exit 1; }

if [[ -f "$root/.sprout-root" && "$(cat "$root/.sprout-root")" == "$stamp_text" ]]; then
  echo "DEBIAN_ROOT=$root"
  exit 0
fi

for tool in debootstrap unshare chroot; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    # Other installs may hold apt's lock (the harness sets up several toolchains at once).
    apt=(apt-get -o DPkg::Lock::Timeout=600)
    timeout 900 "${apt[@]}" install -y -qq debootstrap util-linux coreutils >&2 \
      || { timeout 900 "${apt[@]}" update -qq >&2 && timeout 900 "${apt[@]}" install -y -qq debootstrap >&2; }
  fi
done

mirror="${DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  mirror="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
fi
if [[ -z "$mirror" ]]; then
  mirror="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i !~ /security/) { print $i; exit } }' \
    /etc/apt/sources.list 2>/dev/null || true)"
fi
[[ -n "$mirror" ]] || { log "no Debian mirror configured; set DEBIAN_MIRROR"; exit 1; }

# Runs a shell command inside the root with /proc and /dev mounted in a private mount namespace.
in_root() {
  unshare --mount --propagation private /bin/sh -euc '
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -euc "$1"
  ' sh "$root" "$1"
}

if [[ ! -x "$root/usr/bin/apt-get" ]]; then
  tmp="$root.partial"
  if [[ -e "$tmp" ]]; then rm -rf --one-file-system "$tmp"; fi
  script=/usr/share/debootstrap/scripts/$SUITE
  [[ -e "$script" ]] || script=/usr/share/debootstrap/scripts/sid
  log "debootstrap $SUITE (a few minutes, once)"
  # --foreground: in the caller's process group, so that stopping the harness stops it too (it
  # only writes under e2e/.cache). The host's own apt above is left to finish instead.
  timeout --foreground 1200 debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" "$script" >&2
  rm -rf --one-file-system "$root"
  mv "$tmp" "$root"
fi

cp /etc/resolv.conf "$root/etc/resolv.conf"
echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99no-check-valid-until"
log "installing ${PACKAGES[*]}"
# An install stopped part-way is finished first (the stamp below is written only at the end).
in_root "dpkg --configure -a && timeout --foreground 600 apt-get update -qq \
  && timeout --foreground 1200 apt-get install -y -qq --no-install-recommends ${PACKAGES[*]} && apt-get clean" >&2

# RubyGems cannot be reached from the e2e machine: `bundle install` resolves from the gems
# Debian installed (`--local`). The generated projects keep the plain `bundle install`.
cat > "$root/usr/local/bin/bundle" <<'WRAP'
#!/bin/sh
if [ "${1:-}" = install ]; then shift; exec /usr/bin/bundle install --local "$@"; fi
exec /usr/bin/bundle "$@"
WRAP
chmod 755 "$root/usr/local/bin/bundle"

echo "$stamp_text" > "$root/.sprout-root"
echo "DEBIAN_ROOT=$root"
