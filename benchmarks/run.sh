#!/usr/bin/env bash
# Runs every benchmark scenario for Corobridge and each alternative in one JMH run and writes
# benchmarks/RESULTS.md. Usage: benchmarks/run.sh [--quick]
#   --quick   short iterations and smaller streams: a smoke check in a few minutes
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -ntp -pl benchmarks -am -DskipTests package
java -jar benchmarks/target/benchmarks.jar "$@" --out benchmarks/RESULTS.md
