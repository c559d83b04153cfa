#!/usr/bin/env bash
# `make test`: run each lane (a make target) in turn, go on after a failed one, and print the
# time of every lane at the end, so a slow or red lane is named in CI's last lines.
#   bash scripts/lanes.sh lint typecheck test-sqlite ... [--beside test-infra ...]
# Lanes after --beside run at the same time as the others (each in the background from the
# start, its output kept and printed when the rest are done): they use little of the CPU the
# test lanes need (terraform, checkov), so `make test` takes less wall time.
set -uo pipefail
cd "$(dirname "$0")/.."
results=()
failed=()
start_all=$SECONDS
inline=()
beside=()
target=inline
for arg in "$@"; do
  if [[ $arg == --beside ]]; then target=beside; continue; fi
  if [[ $target == inline ]]; then inline+=("$arg"); else beside+=("$arg"); fi
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for lane in "${beside[@]}"; do
  (
    start=$SECONDS
    if make --no-print-directory "$lane" >"$logs/$lane.log" 2>&1; then s=ok; else s=FAILED; fi
    echo "$s $((SECONDS - start))" >"$logs/$lane.status"
  ) &
  pids+=($!)
done

for lane in "${inline[@]}"; do
  printf '\n======== %s ========\n' "$lane"
  start=$SECONDS
  if make --no-print-directory "$lane"; then status=ok; else status=FAILED; failed+=("$lane"); fi
  results+=("$(printf '%-14s %6ss  %s' "$lane" "$((SECONDS - start))" "$status")")
done

for i in "${!beside[@]}"; do
  lane=${beside[$i]}
  wait "${pids[$i]}"
  printf '\n======== %s (ran beside the others) ========\n' "$lane"
  cat "$logs/$lane.log"
  read -r status took <"$logs/$lane.status"
  [[ $status == ok ]] || failed+=("$lane")
  results+=("$(printf '%-14s %6ss  %s (beside)' "$lane" "$took" "$status")")
done

printf '\n======== lane times ========\n'
printf '%s\n' "${results[@]}"
printf '%-14s %6ss\n' "total" "$((SECONDS - start_all))"
if ((${#failed[@]})); then
  echo "FAILED lanes: ${failed[*]}"
  exit 1
fi
