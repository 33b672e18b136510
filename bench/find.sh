#!/usr/bin/env bash
# Benchmark `contrib find` on the sandbox with 100 ms API latency: one repository and 50,
# each with a cold and a warm HTTP cache. Usage: bench/find.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/find.py
