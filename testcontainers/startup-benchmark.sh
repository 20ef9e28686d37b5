#!/usr/bin/env bash
# Start-up cost of fenceline-testcontainers on the shop example (docs/benchmarks.md, "Testcontainers
# start-up"): the machine, `cat /proc/loadavg` before and after, and StartupBenchmark's table (time from
# start() to its return, to the first connection answer, to the first explain answer; N runs, default 5).
# Run on a quiet machine (nothing else building or testing), as root with dockerd running and warm
# images (docker/build-offline-images.sh). Usage: testcontainers/startup-benchmark.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost TESTCONTAINERS_PULL_TIMEOUT=5

docker/build-offline-images.sh base kafka fenceline   # warm: no-ops when current
mvn -B -q -o -pl testcontainers test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test >&2
cp="testcontainers/target/test-classes:testcontainers/target/classes:$(cat testcontainers/target/benchmark.classpath)"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), \
$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), kernel $(uname -r), \
Docker $(docker version -f '{{.Server.Version}}'), image $(docker image inspect -f '{{.Id}}' fenceline:local | cut -c8-19)"
echo "command: testcontainers/startup-benchmark.sh $runs"
echo "loadavg before: $(cat /proc/loadavg)"
java -cp "$cp" io.fenceline.testcontainers.StartupBenchmark "$runs" 2> >(grep -v -e '^\[main\] INFO' >&2)
echo "loadavg after: $(cat /proc/loadavg)"
