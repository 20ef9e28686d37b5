#!/usr/bin/env bash
# Builds fenceline's container images without any container registry (air-gapped machines, CI):
#   base       FENCELINE_BASE_IMAGE  (default fenceline-base:local)   Debian bookworm via debootstrap, with
#              openjdk-17-jre-headless, iptables, ipset, conntrack, iproute2, procps (sysctl: the network
#              namespaces of `up --netns`); imported with `docker import`
#   kafka      FENCELINE_KAFKA_IMAGE (default fenceline-kafka:local)  Kafka 4.4.0 from its Maven artifacts on the
#              base image, env-configured like apache/kafka (usable by Testcontainers' KafkaContainer)
#   fenceline  FENCELINE_IMAGE       (default fenceline:local)        docker/Dockerfile on the base image with the
#              shaded CLI jar (cli/target/fenceline.jar; built with Maven when missing)
#
# Usage: docker/build-offline-images.sh [--force] [base] [kafka] [fenceline]      (no target: all three)
# An image that exists is kept unless --force (or FENCELINE_FORCE_REBUILD=1); a base without a tool it must hold
# (sysctl, added later) is rebuilt; the fenceline image is also rebuilt when the jar it holds (label
# io.fenceline.jar.sha256) differs from cli/target/fenceline.jar or its base (label io.fenceline.base.id) changed.
# With a registry you do not need this script: FENCELINE_KAFKA_IMAGE=apache/kafka:4.1.0, and build the fenceline
# image from docker/Dockerfile with its default base (eclipse-temurin:17-jre).
# Other knobs: FENCELINE_DEBIAN_MIRROR (default: the Debian URI in /etc/apt/sources.list*), FENCELINE_JAR.
# Needs: root, docker (daemon running), debootstrap (for base; installed with apt-get when missing), mvn (kafka,
# and fenceline when the jar is missing). Progress goes to stderr; stdout stays empty.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
BASE_IMAGE="${FENCELINE_BASE_IMAGE:-fenceline-base:local}"
KAFKA_IMAGE="${FENCELINE_KAFKA_IMAGE:-fenceline-kafka:local}"
APP_IMAGE="${FENCELINE_IMAGE:-fenceline:local}"
JAR="${FENCELINE_JAR:-$root/cli/target/fenceline.jar}"
force="${FENCELINE_FORCE_REBUILD:-0}"
export DOCKER_BUILDKIT=0 # buildx is absent on Debian's docker.io; the classic builder is enough here

log() { echo "[build-offline-images] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
# drop the classic builder's deprecation notice (newer docker CLIs print it for DOCKER_BUILDKIT=0)
quiet_builder() { grep -v -e 'DEPRECATED: The legacy builder' -e 'BuildKit is currently disabled' \
  -e 'environment-variable\.' -e '^[[:space:]]*$' || true; }
no_ansi() { sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'; } # maven -q still prints colour resets
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

targets=()
for a in "$@"; do
  case "$a" in
    --force|-f) force=1 ;;
    base|kafka|fenceline) targets+=("$a") ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument '$a' (targets: base kafka fenceline; --force)" ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(base kafka fenceline)
want() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

docker info >/dev/null 2>&1 || die "docker daemon not reachable (start dockerd, or check DOCKER_HOST)"

debian_mirror() {
  if [ -n "${FENCELINE_DEBIAN_MIRROR:-}" ]; then echo "$FENCELINE_DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    # one-line format: deb [opts] URI suite ...; deb822 format: URIs: URI ...
    uri="$(awk '/^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }
                /^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }' "$f" \
           | grep -v -e security -e '/updates' | grep -m1 -i debian || true)"
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  echo "http://deb.debian.org/debian"
}

# the tools every image on the base needs (java, netfilter, and sysctl for the network namespaces of `up --netns`)
base_complete() {
  docker run --rm --entrypoint sh "$BASE_IMAGE" -c \
    'for t in java iptables ipset conntrack ip sysctl; do command -v "$t" >/dev/null || exit 1; done' >/dev/null 2>&1
}

build_base() {
  if exists "$BASE_IMAGE" && [ "$force" != 1 ]; then
    if base_complete; then log "base: $BASE_IMAGE exists (skip; --force rebuilds)"; return; fi
    log "base: $BASE_IMAGE lacks a tool it must hold (java iptables ipset conntrack ip sysctl): rebuilding"
  fi
  [ "$(id -u)" = 0 ] || die "base: debootstrap needs root"
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "base: installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  fi
  local t0 mirror rootfs
  t0=$(date +%s)
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d /tmp/fenceline-rootfs.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" EXIT
  log "base: debootstrap bookworm from $mirror into $rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,iptables,ipset,conntrack,iproute2,procps,ca-certificates \
    bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -30 "$rootfs.log" >&2; die "base: debootstrap failed (log $rootfs.log)"; }
  rm -f "$rootfs.log"
  log "base: trimming"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/lintian \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/tmp/* \
    "$rootfs"/debootstrap
  find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'C.*' ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  # apt in the image should reach the same mirror as this host did
  echo "deb $mirror bookworm main" >"$rootfs/etc/apt/sources.list"
  : >"$rootfs/etc/hostname"; : >"$rootfs/etc/resolv.conf"
  log "base: docker import -> $BASE_IMAGE"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'CMD ["/bin/bash"]' \
    --message "fenceline base: debootstrap bookworm minbase + JRE 17 + netfilter tools" \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"; trap - EXIT
  docker run --rm "$BASE_IMAGE" java -version >/dev/null 2>&1 || die "base: java does not run in $BASE_IMAGE"
  log "base: $BASE_IMAGE built in $(elapsed "$t0") ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
}

build_kafka() {
  if exists "$KAFKA_IMAGE" && [ "$force" != 1 ]; then log "kafka: $KAFKA_IMAGE exists (skip; --force rebuilds)"; return; fi
  exists "$BASE_IMAGE" || die "kafka: base image $BASE_IMAGE missing (build target base first)"
  local t0 ctx
  t0=$(date +%s)
  ctx="$(mktemp -d /tmp/fenceline-kafka-ctx.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$ctx'" EXIT
  log "kafka: resolving Kafka's jars with Maven (docker/kafka/pom.xml)"
  mvn -q -B -Dstyle.color=never -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$ctx/libs" 2>&1 | no_ansi >&2 || die "kafka: mvn dependency:copy-dependencies failed"
  cp "$here/kafka/run" "$here/kafka/log4j2.properties" "$ctx/"
  cp "$here/Dockerfile.kafka" "$ctx/Dockerfile"
  log "kafka: docker build -> $KAFKA_IMAGE ($(find "$ctx/libs" -name "*.jar" | wc -l) jars)"
  docker build -q --build-arg BASE="$BASE_IMAGE" -t "$KAFKA_IMAGE" "$ctx" 2> >(quiet_builder >&2) >/dev/null
  rm -rf "$ctx"; trap - EXIT
  log "kafka: $KAFKA_IMAGE built in $(elapsed "$t0")"
}

build_fenceline() {
  local t0 sum have have_base base_id ctx old_id
  t0=$(date +%s)
  if [ ! -f "$JAR" ]; then
    log "fenceline: $JAR missing, building it (mvn -DskipTests -pl cli -am package)"
    (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl cli -am package 2>&1 | no_ansi >&2) \
      || die "fenceline: building the jar failed"
  fi
  sum="$(sha256sum "$JAR" | cut -d' ' -f1)"
  exists "$BASE_IMAGE" || die "fenceline: base image $BASE_IMAGE missing (build target base first)"
  base_id="$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")"
  if exists "$APP_IMAGE" && [ "$force" != 1 ]; then
    have="$(docker image inspect -f '{{ index .Config.Labels "io.fenceline.jar.sha256" }}' "$APP_IMAGE" 2>/dev/null || true)"
    have_base="$(docker image inspect -f '{{ index .Config.Labels "io.fenceline.base.id" }}' "$APP_IMAGE" 2>/dev/null || true)"
    if [ "$have" = "$sum" ] && [ "$have_base" = "$base_id" ]; then log "fenceline: $APP_IMAGE holds this jar (skip)"; return; fi
    if [ "$have" = "$sum" ]; then log "fenceline: $APP_IMAGE was built on another base, rebuilding"
    else log "fenceline: $APP_IMAGE holds another jar, rebuilding"; fi
  fi
  old_id="$(docker image inspect -f '{{.Id}}' "$APP_IMAGE" 2>/dev/null || true)"
  ctx="$(mktemp -d /tmp/fenceline-ctx.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$ctx'" EXIT
  ln "$JAR" "$ctx/fenceline.jar" 2>/dev/null || cp "$JAR" "$ctx/fenceline.jar"
  cp "$here/Dockerfile" "$ctx/Dockerfile"
  docker build -q --build-arg BASE="$BASE_IMAGE" --label "io.fenceline.jar.sha256=$sum" --label "io.fenceline.base.id=$base_id" \
    -t "$APP_IMAGE" "$ctx" 2> >(quiet_builder >&2) >/dev/null
  rm -rf "$ctx"; trap - EXIT
  # the image this replaced would stay behind as a dangling 450 MB layer set: drop it unless still in use
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$APP_IMAGE")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  log "fenceline: $APP_IMAGE built in $(elapsed "$t0")"
}

want base && build_base
want kafka && build_kafka
want fenceline && build_fenceline
exit 0
