#!/usr/bin/env bash
# CI entry for the fuzzers: if a nightly toolchain is installed, installs
# cargo-fuzz when missing, builds the seed corpus (seed.sh), and runs each
# target for FUZZ_SECONDS (default 60) seconds, one job each, over its
# corpus and its saved regressions. Fails if any target finds a crash (a
# panic, which is how the targets report a broken invariant) or a timeout;
# the input is left in fuzz/artifacts/<target>/ and the log, with the
# failure, in fuzz/logs/<target>/.
#
# Usage: fuzz/run.sh [TARGET...]   (default: clean policy roundtrip fastpath)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(clean policy roundtrip fastpath)

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain; skipping the fuzz targets"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# No sanitizer: the library forbids unsafe code, and without ASan the
# targets run about twice as fast. Debug assertions on: overflow and
# html5ever's own assertions count as crashes.
build_flags=(--sanitizer none --debug-assertions)

./seed.sh "${targets[@]}"
cargo +nightly fuzz build "${build_flags[@]}"

failed=()
for target in "${targets[@]}"; do
  logs="$here/logs/$target"
  rm -rf "$logs"
  mkdir -p "$logs" "$here/regressions/$target"
  echo "== fuzz $target (${seconds}s)"
  # -jobs=1 runs the fuzzer in one child process that writes fuzz-0.log in
  # the current directory: run from the log directory.
  if (cd "$logs" && cargo +nightly fuzz run --fuzz-dir "$here" "${build_flags[@]}" "$target" \
    "$here/corpus/$target" "$here/regressions/$target" -- \
    -dict="$here/html.dict" -max_len=8192 -timeout=30 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 -jobs=1 >run.log 2>&1); then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  log="$logs/fuzz-0.log"
  [ -f "$log" ] || log="$logs/run.log"
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
  final="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  echo "fuzz $target: $status, ${runs:-?} executions in ${seconds}s ${final:+($final)}"
  if [ "$status" = FAILED ]; then
    # The panic message names the policy, the input and what broke.
    grep -E -A12 "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | head -60 || true
    ls "$here/artifacts/$target" 2>/dev/null | sed "s|^|  artifact: fuzz/artifacts/$target/|" || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (minimize with: SAFE_MARKUP_FUZZ_STRICT=1 cargo +nightly fuzz tmin -s none -a TARGET ARTIFACT; save under fuzz/regressions/TARGET/)" >&2
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a failure"
