#!/usr/bin/env bash
# Builds bench/loadgen/bin/loadgen (gitignored). Usage: bench/loadgen/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")"
out=bin/loadgen
if [[ "${1:-}" != "--force" && -x $out ]]; then
  newest=$(ls -t ./*.c ./*.h "$out" | head -1)
  [[ "$newest" == "$out" ]] && exit 0
fi
command -v "${CC:-gcc}" >/dev/null || { echo "loadgen: needs a C compiler (apt-get install -y gcc)" >&2; exit 1; }
mkdir -p bin
"${CC:-gcc}" -std=gnu11 -O2 -g -Wall -Wextra -o "$out.tmp" ./*.c
mv "$out.tmp" "$out"
echo "loadgen: built $PWD/$out" >&2
