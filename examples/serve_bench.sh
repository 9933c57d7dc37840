#!/usr/bin/env bash
# `safe-markup serve` beside nh3 in FastAPI on uvicorn, on this machine's
# loopback only, for BENCHMARKS.md: 1 KB and 20 KB posts from corpus/diary,
# each service measured by examples/load.rs in turn, ROUNDS times.
#
# Needs: a Python with `pip install nh3 fastapi 'uvicorn[standard]'` (PYTHON,
# default python3). Environment: SECONDS_EACH (default 8) per measurement,
# CONNECTIONS (default 8), ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
seconds="${SECONDS_EACH:-8}"
connections="${CONNECTIONS:-8}"
rounds="${ROUNDS:-2}"

cargo build --release --bin safe-markup --example load
target="$(cargo metadata --format-version 1 --no-deps | "$python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
load="$target/release/examples/load"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

"$target/release/safe-markup" serve --addr 127.0.0.1:18080 --preset ugc >/dev/null &
pids+=($!)
# Two workers, one per core, as one would deploy it here; `async def` is
# the faster handler for nh3 (a sync one goes through a thread pool).
sed 's/^def clean(/async def clean(/' examples/nh3_service.py >"$target/nh3_service_async.py"
"$python" -m uvicorn --app-dir "$target" nh3_service_async:app --host 127.0.0.1 --port 18081 \
  --workers 2 --log-level warning &
pids+=($!)
for port in 18080 18081; do
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
done

for round in $(seq "$rounds"); do
  for size in 1k 20k; do
    for service in safe-markup:18080 nh3:18081; do
      printf '%-12s round %s: ' "${service%%:*}" "$round"
      "$load" --addr "127.0.0.1:${service##*:}" --size "$size" --connections "$connections" \
        --seconds "$seconds" --requests 1000000
    done
  done
done
