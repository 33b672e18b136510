#!/usr/bin/env bash
# Benchmark `contrib start` against doing it by hand and against a plain `git clone`,
# side by side, on the sandbox (100 ms API latency, 5 s fork delay) with a large repository
# (≥ 30k commits, ≥ 100 MiB pack) generated locally. Usage: bench/start.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/start.py "${1:-3}"
