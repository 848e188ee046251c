#!/usr/bin/env bash
# Runs a command (the README's test command, `npm test`, unless told otherwise) several times
# beside two busy loops, as on a busy machine, and prints one line per run: exit code, wall time
# and the "N passed, N failed" line the suite ends with (scripts/test/test-summary.mjs).
#
#   bash scripts/test/under-load.sh [--runs N] [--clean-clone] [--clone-dir DIR] [-- command ...]
#
#   --runs N        how many runs (default 3)
#   --clean-clone   run each time in a fresh `git clone` of the current HEAD beside this
#                   repository (so ../shared resolves the same), as CI does (`bash .ci/run` on a
#                   clean clone); uncommitted changes are not in it. The last clone stays for
#                   inspection and is replaced by the next run.
#   --clone-dir DIR where to clone (default: ../clone-under-load, beside this repository)
#   --busy N        how many busy loops (default 2)
#
# Each run's full output goes to .cache/under-load/run-K.log (in this repository); the terminal
# shows one progress line. The busy loops are stopped on exit, Ctrl-C included.
# Note: the e2e servers use ports 4173 and 4174 unless FACEKIT_E2E_PORT moves them: another test
# run meanwhile needs another FACEKIT_E2E_PORT.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
runs=3
busy=2
clean_clone=0
clone_dir="$(dirname "$ROOT")/clone-under-load"
cmd=()

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --busy) busy=${2:?--busy needs a number}; shift 2 ;;
    --busy=*) busy=${1#*=}; shift ;;
    --clean-clone) clean_clone=1; shift ;;
    --clone-dir) clone_dir=${2:?--clone-dir needs a folder}; shift 2 ;;
    --clone-dir=*) clone_dir=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; cmd=("$@"); break ;;
    *) echo "under-load: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#cmd[@]} -gt 0 ] || cmd=(npm test)
case "$runs" in ''|*[!0-9]*|0) echo "under-load: --runs must be a positive integer, got '$runs'" >&2; exit 2 ;; esac
case "$busy" in ''|*[!0-9]*) echo "under-load: --busy must be a number, got '$busy'" >&2; exit 2 ;; esac

log_dir="$ROOT/.cache/under-load"
mkdir -p "$log_dir"
rm -f "$log_dir"/run-*.log

busy_pids=()
run_pid=""
progress_open=0
cleanup() {
  local pid
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    # The run is its own process group (setsid below): stop it and its children.
    kill -TERM -- "-$run_pid" 2>/dev/null || kill -TERM "$run_pid" 2>/dev/null
  fi
  # Servers Playwright started for the run (vite preview) may have left its process group.
  [ $clean_clone -eq 1 ] && pkill -TERM -f -- "$clone_dir/" 2>/dev/null
  for pid in "${busy_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${busy_pids[@]}"; do wait "$pid" 2>/dev/null; done
  busy_pids=()
  [ $progress_open -eq 1 ] && printf '\n'
  progress_open=0
}
trap cleanup EXIT
trap 'echo "under-load: interrupted" >&2; exit 130' INT TERM

workdir=$ROOT
head=$(git -C "$ROOT" rev-parse HEAD) || exit 1
# A fresh clone of HEAD (CI's starting point: nothing installed, built or cached), made before
# every run so that each run starts clean.
fresh_clone() {
  if [ -e "$clone_dir" ]; then
    # Only ever replace a clone this script made.
    if [ ! -f "$clone_dir/.git/under-load-clone" ]; then
      echo "under-load: $clone_dir exists and is not a clone made by this script; pass --clone-dir" >&2
      exit 2
    fi
    rm -rf "$clone_dir"
  fi
  git clone --quiet --no-checkout "$ROOT" "$clone_dir" && git -C "$clone_dir" checkout --quiet --detach "$head" || exit 1
  touch "$clone_dir/.git/under-load-clone"
}
if [ $clean_clone -eq 1 ]; then
  echo "under-load: each run in a fresh clone of $head at $clone_dir"
  [ -e "$(dirname "$clone_dir")/shared" ] || echo "under-load: note: $(dirname "$clone_dir")/shared does not exist" >&2
  workdir=$clone_dir
fi

for ((i = 0; i < busy; i++)); do
  node -e 'for (;;) {}' &
  busy_pids+=($!)
done

fmt() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
summary_of() { grep -aoE '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?' "$1" | tail -n 1; }

echo "under-load: ${#busy_pids[@]} busy loop(s), $runs run(s) of: ${cmd[*]} (in $workdir)"
echo "under-load: logs in $log_dir/run-K.log"
lines=()
codes=()
total_passed=0 total_failed=0 total_skipped=0 total_time=0
start_all=$SECONDS
for ((k = 1; k <= runs; k++)); do
  log="$log_dir/run-$k.log"
  start=$SECONDS
  [ $clean_clone -eq 1 ] && fresh_clone
  # Its own process group (setsid), so that cleanup can stop the run with all its children.
  setsid bash -c 'cd "$1" && shift && exec "$@"' under-load "$workdir" "${cmd[@]}" >"$log" 2>&1 </dev/null &
  run_pid=$!
  while kill -0 "$run_pid" 2>/dev/null; do
    if [ ! -t 1 ]; then sleep 1; continue; fi
    last=$(tail -n 1 "$log" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | cut -c1-70)
    printf '\r\033[Krun %d/%d · %s this run · %s in all · %s' "$k" "$runs" "$(fmt $((SECONDS - start)))" "$(fmt $((SECONDS - start_all)))" "$last"
    progress_open=1
    sleep 1
  done
  wait "$run_pid"
  code=$?
  run_pid=""
  took=$((SECONDS - start))
  [ $progress_open -eq 1 ] && printf '\r\033[K'
  progress_open=0
  summary=$(summary_of "$log")
  line=$(printf 'run %d/%d: exit %d, %s, %s' "$k" "$runs" "$code" "$(fmt $took)" "${summary:-no summary line}")
  echo "$line"
  lines+=("$line")
  codes+=("$code")
  total_time=$((total_time + took))
  if [ -n "$summary" ]; then
    read -r p f s <<<"$(echo "$summary" | sed -E 's/([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?/\1 \2 \4/')"
    total_passed=$((total_passed + p)); total_failed=$((total_failed + f)); total_skipped=$((total_skipped + ${s:-0}))
  fi
done

ok=0
for c in "${codes[@]}"; do [ "$c" -eq 0 ] && ok=$((ok + 1)); done
echo "under-load: $ok/$runs run(s) exited 0; in all $total_passed passed, $total_failed failed, $total_skipped skipped; $(fmt $total_time) in all, $(fmt $((total_time / runs))) per run"
[ $ok -eq "$runs" ]
