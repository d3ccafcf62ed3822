#!/usr/bin/env bash
# docker=yes, without a Docker engine: does what the Dockerfile's last stages do with the jar
# that the case's steps built (extract its layers, lay them over each other in one folder, run
# `java -jar` there) and checks GET /health. Also checks that the Dockerfile names those layers.
#   spring-boot-layers.sh <project-dir>
set -euo pipefail
# The harness runs checks on the host: choose the project's JDK through java-run.sh first.
if [ -z "${JAVA_RUN_RELEASE:-}" ]; then
  self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  exec "$(dirname "$self")/../setup/java-run.sh" "$1" "$(printf '%q %q' "$self" "$1")"
fi
cd "$1"
jar="$(ls target/*-0.0.1-SNAPSHOT.jar)"
layers="dependencies spring-boot-loader snapshot-dependencies application"
for layer in $layers; do
  grep -q "extracted/$layer/" Dockerfile || { echo "Dockerfile does not copy the $layer layer" >&2; exit 1; }
done
grep -q "ENTRYPOINT \[\"java\", \"-jar\", \"$(basename "$jar")\"\]" Dockerfile \
  || { echo "Dockerfile does not run $(basename "$jar")" >&2; exit 1; }

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

java -Djarmode=tools -jar "$jar" extract --layers --destination "$tmp/extracted"
mkdir "$tmp/app"
for layer in $layers; do
  cp -a "$tmp/extracted/$layer/." "$tmp/app/"
done
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$tmp/app" && PORT="$port" exec java -jar "$(basename "$jar")") >"$tmp/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do
  if body="$(curl -sf "http://127.0.0.1:$port/health")"; then
    echo "layered jar: GET /health -> $body"
    [ "$body" = '{"status":"ok"}' ] && exit 0
    exit 1
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
echo "the layered application did not answer GET /health" >&2
tail -n 40 "$tmp/app.log" >&2
exit 1
