#!/usr/bin/env bash
# Writes the savepoint fixture of a release (src/test/resources/savepoints/VERSION/), then restores
# every fixture with this build. Run it on the release commit, once per release, and commit the
# result; SavepointCompatibilityITCase then restores it in every later build.
#   scripts/savepoint-fixture.sh VERSION
# Uses (and starts if needed) the local Kafka and Elasticsearch of scripts/kafka.sh and
# scripts/elasticsearch.sh, with their ports and state directory from the same environment.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
LOG_PREFIX="savepoint-fixture: "

usage() {
  cat <<EOF
Usage: scripts/savepoint-fixture.sh VERSION

Runs the job of this checkout on an embedded Flink against real Kafka and Elasticsearch, stops it
with a savepoint while a sequence is pending, and stores the savepoint and its manifest in
src/test/resources/savepoints/VERSION/. Then runs SavepointCompatibilityITCase on every fixture.

VERSION must be the version in pom.xml (without -SNAPSHOT). An existing fixture is never
rewritten: it is the record of what that release wrote.
EOF
}

[[ $# -eq 1 ]] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac
version=$1

cd "$REPO_ROOT"
# The project's own version: the first <version> after its <artifactId>.
pom_version=$(sed -n '/<artifactId>sshd-netcon-detector<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' pom.xml)
[[ "${pom_version%-SNAPSHOT}" == "$version" ]] \
  || die "pom.xml is at '$pom_version', not $version: run this on the commit of release $version"
fixture="src/test/resources/savepoints/$version"
[[ ! -e "$fixture" ]] || die "$fixture exists; a released fixture is never rewritten"

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# Uncommitted changes to the code that writes the savepoint (the fixtures themselves aside).
if [[ -n "$(git status --porcelain -- src pom.xml ':!src/test/resources/savepoints' 2>/dev/null)" ]]; then
  commit="$commit+uncommitted"
fi

mvn -B -q --strict-checksums verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SavepointFixtures -Dsshdnetcon.fixture.write="$version" -Dsshdnetcon.fixture.commit="$commit"
[[ -f "$fixture/manifest.json" ]] || die "no fixture was written (is the test enabled?)"

mvn -B -q --strict-checksums verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SavepointCompatibilityITCase

log "wrote $fixture ($(du -sh "$fixture" | cut -f1)); commit it"
