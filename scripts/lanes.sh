#!/usr/bin/env bash
# `make test`: run each lane (a make target) in turn, go on after a failed one, and print the
# time of every lane at the end, so a slow or red lane is named in CI's last lines.
#   bash scripts/lanes.sh lint typecheck test-sqlite ...
set -uo pipefail
cd "$(dirname "$0")/.."
results=()
failed=()
start_all=$SECONDS
for lane in "$@"; do
  printf '\n======== %s ========\n' "$lane"
  start=$SECONDS
  if make --no-print-directory "$lane"; then status=ok; else status=FAILED; failed+=("$lane"); fi
  results+=("$(printf '%-14s %6ss  %s' "$lane" "$((SECONDS - start))" "$status")")
done
printf '\n======== lane times ========\n'
printf '%s\n' "${results[@]}"
printf '%-14s %6ss\n' "total" "$((SECONDS - start_all))"
if ((${#failed[@]})); then
  echo "FAILED lanes: ${failed[*]}"
  exit 1
fi
