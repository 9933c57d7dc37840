#!/usr/bin/env bash
# The playground page of `safe-markup serve` in headless Chromium
# (tests/playground/test.mjs): typing, the report's highlights, links,
# policy errors, and every XSS corpus vector pasted into the page with
# the preview checked for script. About a minute and a half on 2 cores.
#
# Uses the debug binary `cargo test` builds (SAFE_MARKUP_BIN to override);
# builds it if missing. Needs node 20 + npm and Debian's chromium
# (CHROMIUM=/path to override).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
target_dir="$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
bin="${SAFE_MARKUP_BIN:-$target_dir/debug/safe-markup}"
if [ ! -x "$bin" ]; then
  cargo build --bin safe-markup
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
node "$here/test.mjs" --bin "$bin" --out "$target_dir/playground"
