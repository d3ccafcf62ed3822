#!/usr/bin/env bash
# The jar is reproducible (project.build.outputTimestamp): two clean builds give the same bytes.
#   spring-boot-reproducible.sh <project-dir>     (run through e2e/setup/java-run.sh)
set -euo pipefail
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
