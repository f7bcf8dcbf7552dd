#!/bin/sh
# Creates the development PKI with `trading pki init`.
# Usage: certs/init-dev-pki.sh [output folder] [extra options, e.g. --force --centre "My Centre"]
# The default folder, certs/dev, is git-ignored: generated keys are never committed.
set -eu
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/certs/dev}"
[ $# -gt 0 ] && shift
exec dotnet run --project "$repo/src/Trading.Cli" -- pki init --out "$out" "$@"
