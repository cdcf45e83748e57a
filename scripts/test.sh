#!/usr/bin/env bash
# Sets up everything the tests need (idempotent), starts a private PostgreSQL + pgvector on
# 127.0.0.1:55433, builds, runs every test project and ends with one line: "N passed, N failed".
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

pg_data="${IMAGETAGGER_TEST_PG_DATA:-/tmp/imagetagger-test-pg}"
IMAGETAGGER_PG_FSYNC=off bash scripts/pg.sh start --data-dir "$pg_data" --port 55433 >/dev/null \
  || { echo "could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
export IMAGETAGGER_TEST_PG="Host=127.0.0.1;Port=55433;Username=postgres;Password=postgres;Database=postgres"

# Sample images live in ../shared beside the repository; a clone made elsewhere (git clone . /tmp/x) uses the
# ones beside the repository it was cloned from.
samples="test-images/exif-samples"
if [ -z "${IMAGETAGGER_TEST_IMAGES:-}" ] && [ ! -d "$repo/../shared/$samples" ]; then
  origin="$(git -C "$repo" remote get-url origin 2>/dev/null || true)"
  origin="${origin#file://}"
  case "$origin" in /*) ;; *) [ -n "$origin" ] && origin="$repo/$origin" ;; esac
  if [ -n "$origin" ] && [ -d "$origin/../shared/$samples" ]; then
    IMAGETAGGER_TEST_IMAGES="$(cd "$origin/../shared/$samples" && pwd)"
    export IMAGETAGGER_TEST_IMAGES
  fi
fi

results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

if ! dotnet build ImageTagger.sln -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

dotnet test ImageTagger.sln --no-build -nologo --logger "trx" --results-directory "$results" "$@"
test_exit=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "the test run failed without a failed test (a crashed test host?)"; failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$test_exit" -eq 0 ]
