#!/usr/bin/env bash
# Writes ImageTagger.Api/schema.graphql from the code-first schema (ApiSchema). Run after changing the schema.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
dotnet build tests/ImageTagger.Api.Tests -v q -clp:ErrorsOnly
IMAGETAGGER_WRITE_SCHEMA=1 dotnet test tests/ImageTagger.Api.Tests --no-build --filter FullyQualifiedName~SchemaFileTests
git -C "$repo" diff --stat -- ImageTagger.Api/schema.graphql
