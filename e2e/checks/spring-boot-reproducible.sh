#!/usr/bin/env bash
# The jar is reproducible (project.build.outputTimestamp): two clean builds give the same bytes.
#   spring-boot-reproducible.sh <project-dir>
set -euo pipefail
# The harness runs checks on the host: choose the project's JDK through java-run.sh first.
if [ -z "${JAVA_RUN_RELEASE:-}" ]; then
  self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  exec "$(dirname "$self")/../setup/java-run.sh" "$1" "$(printf '%q %q' "$self" "$1")"
fi
cd "$1"
build() {
  ./mvnw -B -ntp -q -DskipTests clean package >&2
  sha256sum target/*-0.0.1-SNAPSHOT.jar | cut -d' ' -f1
}
first="$(build)"
sleep 1
second="$(build)"
echo "jar sha256: $first, then $second"
[ "$first" = "$second" ]
