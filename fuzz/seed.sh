#!/usr/bin/env bash
# Builds the fuzzers' seed corpus from the corpus (corpus/ in
# the repository, or $SAFE_MARKUP_CORPUS): every diary entry, every
# page and every XSS vector (decoded from xss/*.jsonl) becomes one file in
# fuzz/corpus/<target>/ for each target. The `policy` target's files start
# with KNOB_BYTES (48) bytes of policy knobs, derived from the file name so
# the corpus is the same on every run. fuzz/corpus/ is git-ignored: the
# fuzzers add what they find there; only fuzz/regressions/ is committed.
#
# Usage: fuzz/seed.sh [TARGET...]   (default: clean policy roundtrip fastpath)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="${SAFE_MARKUP_CORPUS:-$here/../corpus}"
knob_bytes=48

if [ ! -d "$src" ]; then
  echo "seed: no corpus at $src (set SAFE_MARKUP_CORPUS)" >&2
  exit 1
fi

# Prints "<id>\t<base64 of input>" for every vector of every xss/*.jsonl.
xss_lines() {
  local files=("$src"/xss/*.jsonl)
  if command -v jq >/dev/null; then
    jq -r '[.id, (.input | @base64)] | @tsv' "${files[@]}"
  elif command -v python3 >/dev/null; then
    python3 - "${files[@]}" <<'PY'
import base64, json, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                v = json.loads(line)
                print(v["id"] + "\t" + base64.b64encode(v["input"].encode()).decode())
PY
  else
    echo "seed: neither jq nor python3 found; skipping the XSS vectors" >&2
  fi
}

# Writes the policy knob bytes for seed name $1 to stdout.
knobs() {
  local hex
  hex="$(printf '%s' "$1" | sha512sum | cut -c1-$((knob_bytes * 2)))"
  # shellcheck disable=SC2059 # the format is the bytes, as \xHH escapes
  printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')"
}

# Writes stdin to $dir/$name, with knobs first for the policy target.
put() {
  local target="$1" name="$2"
  if [ "$target" = policy ]; then
    { knobs "$name"; cat; } >"$here/corpus/$target/$name"
  else
    cat >"$here/corpus/$target/$name"
  fi
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(clean policy roundtrip fastpath)

xss="$(mktemp)"
trap 'rm -f "$xss"' EXIT
xss_lines >"$xss"

for target in "${targets[@]}"; do
  mkdir -p "$here/corpus/$target"
  n=0
  for sub in diary pages; do
    for f in "$src/$sub"/*.html; do
      [ -e "$f" ] || continue
      put "$target" "$sub-$(basename "$f")" <"$f"
      n=$((n + 1))
    done
  done
  while IFS=$'\t' read -r id b64; do
    printf '%s' "$b64" | base64 -d | put "$target" "xss-$id"
    n=$((n + 1))
  done <"$xss"
  echo "seed: $n files in fuzz/corpus/$target"
done
