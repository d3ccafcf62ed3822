#!/usr/bin/env bash
# The JDKs for the Spring Boot cases. A machine of this kind has OpenJDK 17 (Debian) and a
# Temurin 25 beside it under /usr/lib/jvm; JDKs are not in the package registries, so this
# script only finds them. It prints JDK<major>=<home> for every major version it finds (the
# newest build of each); e2e/setup/java-run.sh picks one per project from its pom.xml.
# Maven is not installed here: every project brings its Maven wrapper (./mvnw), which fetches
# Maven from Maven Central. The harness points both the wrapper (MAVEN_USER_HOME) and Maven's
# repository (MAVEN_ARGS: -Dmaven.repo.local) into e2e/.cache/m2, kept between runs.
set -euo pipefail

declare -A found
for home in /usr/lib/jvm/*/ ${JAVA_HOME:+"$JAVA_HOME/"}; do
  home="${home%/}"
  [ -x "$home/bin/javac" ] && [ -f "$home/release" ] || continue
  [ -L "$home" ] && home="$(readlink -f "$home")"
  version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")"
  major="${version%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] || continue
  previous="${found[$major]:-}"
  if [ -z "$previous" ] || [ "$(printf '%s\n%s\n' "${previous%%|*}" "$version" | sort -V | tail -n 1)" = "$version" ]; then
    found[$major]="$version|$home"
  fi
done

if [ "${#found[@]}" -eq 0 ]; then
  echo "java.sh: no JDK found under /usr/lib/jvm" >&2
  exit 1
fi
for major in $(printf '%s\n' "${!found[@]}" | sort -n); do
  echo "JDK $major: ${found[$major]%%|*} in ${found[$major]#*|}" >&2
  echo "JDK$major=${found[$major]#*|}"
done
# Every JVM of the cases (Maven, the test forks, the app) compiles with C1 only: a build, a test
# run or a start is over before C2's code would pay back its compile time. The same programs run,
# with half the CPU time (spring-boot-defaults: 76 s -> 35 s); each JVM notes the option on stderr.
echo "JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1"
