#!/usr/bin/env bash
# Runs ImageTagger's benchmarks side by side with their baselines and prints markdown tables.
#   bash bench/run.sh [ingest|offline|saturation|aiclient|rescan|search|websocket|graphql|web|all] [--images N] [--runs N] [--offline] [--search-images N] [--queries N] [--events N] [--sockets N] [--rounds N]
#   bash bench/run.sh offline --passes N [--idle-seconds S] [--env "K=V,K=V"]... [--without-defaults]
#     The offline models' resident memory after each of N passes over the exif-samples photos, then after their idle
#     unload; each --env configuration (e.g. MALLOC_ARENA_MAX=2) in a child process beside glibc's defaults.
#   bash bench/run.sh churn [--images 100000] [--workers 4]
#     A bulk ingest's queue bookkeeping (claims, completions, next stages, image updates) flat out, with autovacuum,
#     dead rows and progress reads sampled; as migrated, then without the job counter triggers.
#   bash bench/run.sh million [--sizes 100000,1000000] [--queries N] [--load-only]
#     A library of 100k and 1M generated images in a PostgreSQL of its own (127.0.0.1:55440, data in
#     /tmp/million-pg, started under nice 19 so its backends are niced too); databases are reused when already loaded.
# Needs what scripts/setup.sh installs, plus python3-pil for the classic baseline; uses the test PostgreSQL
# (127.0.0.1:55433, started here if needed) and creates bench_* databases in it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
what="${1:-all}"
bash scripts/setup.sh >/dev/null
dpkg-query -W -f='${Status}' python3-pil 2>/dev/null | grep -q "install ok installed" || { apt-get install -y -qq python3-pil >/dev/null; }
IMAGETAGGER_PG_FSYNC=off bash scripts/pg.sh start --data-dir /tmp/imagetagger-test-pg --port 55433 >/dev/null
if [ "$what" = "million" ]; then
  million_data="${BENCH_MILLION_PG_DATA:-/tmp/million-pg}"
  if ! bash scripts/pg.sh status --data-dir "$million_data" --port 55440 >/dev/null 2>&1; then
    IMAGETAGGER_PG_FSYNC=off nice -n 19 bash scripts/pg.sh start --data-dir "$million_data" --port 55440 >/dev/null
    # A million 768-d vectors: the HNSW graph (~3 GB) should stay in memory; builds get room to sort.
    if ! grep -q "^# million bench" "$million_data/postgresql.conf"; then
      printf '# million bench\nshared_buffers = 4GB\neffective_cache_size = 12GB\nmax_wal_size = 8GB\nwork_mem = 64MB\nrandom_page_cost = 1.1\n' >> "$million_data/postgresql.conf"
      bash scripts/pg.sh stop --data-dir "$million_data" >/dev/null
      IMAGETAGGER_PG_FSYNC=off nice -n 19 bash scripts/pg.sh start --data-dir "$million_data" --port 55440 >/dev/null
    fi
  fi
  export IMAGETAGGER_BENCH_PG="Host=127.0.0.1;Port=55440;Username=postgres;Password=postgres;Database=postgres"
  dotnet build -c Release -v quiet -nologo ImageTagger.Api/ImageTagger.Api.csproj
  exec nice -n 19 dotnet run -c Release --project bench/PipelineBench -- "$@"
fi
dotnet build -c Release -v quiet -nologo ImageTagger.Processing/ImageTagger.Processing.csproj
dotnet build -c Release -v quiet -nologo ImageTagger.Api/ImageTagger.Api.csproj
if [ "$what" = "web" ]; then
  # web: the UI's first byte / interactive times, memory per circuit, search as you type (--web-images 1000,100000 --visits N --circuits N)
  dotnet build -c Release -v quiet -nologo ImageTagger.Web/ImageTagger.Web.csproj
fi
if [ "$what" != "graphql" ]; then
  dotnet run -c Release --project bench/PipelineBench -- "$@"
fi
if [ "$what" = "graphql" ] || [ "$what" = "all" ]; then
  dotnet run -c Release --project bench/GraphQLBench
fi
