#!/usr/bin/env bash
# Runs one command of a generated Spring Boot project with the JDK its pom.xml targets:
#   java-run.sh <project-dir> <command>
# The project's <java.version> is the release javac compiles for; the oldest JDK found by
# e2e/setup/java.sh (JDK17=..., JDK21=..., JDK25=...) that is at least that version runs the
# command, so java=17 is built on JDK 17 and java=21 on JDK 25 with --release 21 when no JDK 21
# is installed. JAVA_HOME and PATH point at it, for ./mvnw and for `java -jar` alike, and
# JAVA_RUN_RELEASE tells the command that it runs under this script (the checks, which the
# harness runs on the host, use it to call themselves again through it).
set -euo pipefail

project="$1"
command="$2"
release="$(sed -n 's:.*<java\.version>\([0-9][0-9]*\)</java\.version>.*:\1:p' "$project/pom.xml" | head -n 1)"
[ -n "$release" ] || { echo "java-run.sh: no <java.version> in $project/pom.xml" >&2; exit 1; }

home=""
for major in $(env | sed -n 's/^JDK\([0-9][0-9]*\)=.*/\1/p' | sort -n); do
  if [ "$major" -ge "$release" ]; then
    var="JDK$major"
    home="${!var}"
    break
  fi
done
[ -n "$home" ] || { echo "java-run.sh: no JDK $release or newer (run e2e/setup/java.sh)" >&2; exit 1; }

export JAVA_HOME="$home"
export PATH="$home/bin:$PATH"
export JAVA_RUN_RELEASE="$release"
echo "[java-run] JAVA_HOME=$JAVA_HOME (release $release)"
cd "$project"
exec bash -c "$command"
