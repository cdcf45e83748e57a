#!/usr/bin/env bash
# Runs ImageTagger's benchmarks side by side with their baselines and prints markdown tables.
#   bash bench/run.sh [ingest|offline|saturation|aiclient|rescan|search|websocket|graphql|all] [--images N] [--runs N] [--offline] [--search-images N] [--queries N] [--events N] [--sockets N] [--rounds N]
# Needs what scripts/setup.sh installs, plus python3-pil for the classic baseline; uses the test PostgreSQL
# (127.0.0.1:55433, started here if needed) and creates bench_* databases in it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
what="${1:-all}"
bash scripts/setup.sh >/dev/null
dpkg-query -W -f='${Status}' python3-pil 2>/dev/null | grep -q "install ok installed" || { apt-get install -y -qq python3-pil >/dev/null; }
IMAGETAGGER_PG_FSYNC=off bash scripts/pg.sh start --data-dir /tmp/imagetagger-test-pg --port 55433 >/dev/null
dotnet build -c Release -v quiet -nologo ImageTagger.Processing/ImageTagger.Processing.csproj
dotnet build -c Release -v quiet -nologo ImageTagger.Api/ImageTagger.Api.csproj
if [ "$what" != "graphql" ]; then
  dotnet run -c Release --project bench/PipelineBench -- "$@"
fi
if [ "$what" = "graphql" ] || [ "$what" = "all" ]; then
  dotnet run -c Release --project bench/GraphQLBench
fi
