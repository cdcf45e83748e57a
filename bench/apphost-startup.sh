#!/usr/bin/env bash
# Time from `dotnet run --project ImageTagger.AppHost` to the ready line, cold (new data folder) and warm (same
# folder again), then the time from SIGTERM until no process of the app is left, and the idle PSS of DCP + the
# dashboard (Aspire only). Prints one TSV line per run.
#   bash bench/apphost-startup.sh [REPO] [RUNS]     REPO: a checkout with its services built (default: this one)
# Compare with the hand-made orchestrator by pointing REPO at an older checkout (its flags: add --no-build there).
set -uo pipefail
repo="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
runs="${2:-2}"
extra=()
grep -q "Aspire.AppHost.Sdk" "$repo/ImageTagger.AppHost/ImageTagger.AppHost.csproj" && kind=aspire || { kind=orchestrator; extra=(--no-build); }

# Processes of the app on data folder $1: the data folder is on their command line or in their environment.
app_pids() {
  local p
  for p in $(grep -lsF "$1" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | sort -u); do
    [ "$p" != "$$" ] && kill -0 "$p" 2>/dev/null && echo "$p" # the grep itself has ended by now
  done
}
pss_kb() { local t=0 p v; for p in "$@"; do v=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null); t=$((t + ${v:-0})); done; echo "$t"; }

printf 'kind\trun\tstart\tready_s\tstop_s\tdcp_dashboard_pss_mb\n'
for run in $(seq 1 "$runs"); do
  data="/tmp/imagetagger-bench-apphost-$kind-$run"
  rm -rf "$data"
  for start in cold warm; do
    log="$data.$start.log"
    t0=$(date +%s.%N)
    dotnet run --no-build --project "$repo/ImageTagger.AppHost" -- --data-dir "$data" --api-port 0 --web-port 0 --pg-port 0 "${extra[@]}" > "$log" 2>&1 &
    runner=$!
    ready=""
    for _ in $(seq 1 2400); do
      if grep -q "ImageTagger is ready" "$log"; then ready=$(echo "$(date +%s.%N) - $t0" | bc); break; fi
      kill -0 "$runner" 2>/dev/null || break
      sleep 0.05
    done
    apphost=$(pgrep -P "$runner" | head -n1)
    sleep 5 # idle
    aux=$(pgrep -f "tools/dcp |Aspire.Dashboard" | while read -r p; do grep -qsF "$apphost" "/proc/$p/cmdline" && echo "$p"; pgrep -P "$p"; done | sort -u)
    aux=$(for p in $aux; do case "$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)" in *tools/dcp*|*Aspire.Dashboard*) echo "$p";; esac; done)
    pss=$(( $(pss_kb $aux) / 1024 ))
    t1=$(date +%s.%N)
    kill -TERM "$apphost" 2>/dev/null
    for _ in $(seq 1 1200); do
      left="$(app_pids "$data") $(for p in $aux; do kill -0 "$p" 2>/dev/null && echo "$p"; done)"
      [ -z "${left// /}" ] && break
      sleep 0.05
    done
    stop=$(echo "$(date +%s.%N) - $t1" | bc)
    wait "$runner" 2>/dev/null
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$run" "$start" "${ready:-fail}" "$stop" "$pss"
  done
  rm -rf "$data"
done
