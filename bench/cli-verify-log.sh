#!/bin/bash
# The whole `trading verify-log` process over a 1,000,000-entry download against `sha256sum` of the same file, run
# alternately so both see the same load; prints wall and CPU (user+sys) seconds and the load average of each run.
# Usage: bench/cli-verify-log.sh DIR [rounds] [trading.dll ...]   (DIR from: Trading.PublicLog.Bench -- --cli-files DIR)
set -euo pipefail
dir=$1; rounds=${2:-3}; shift $(( $# > 1 ? 2 : 1 ))
dlls=("$@"); [ ${#dlls[@]} -eq 0 ] && dlls=("$(dirname "$0")/../src/Trading.Cli/bin/Release/net10.0/trading.dll")
cat "$dir/entries.jsonl" > /dev/null # into the page cache for both
for r in $(seq 1 "$rounds"); do
  /usr/bin/time -f "sha256sum                wall %e s  cpu %U+%S s  load $(cut -d' ' -f1 /proc/loadavg)" sha256sum "$dir/entries.jsonl" > /dev/null
  for dll in "${dlls[@]}"; do
    /usr/bin/time -f "verify-log ($dll) wall %e s  cpu %U+%S s  load $(cut -d' ' -f1 /proc/loadavg)" \
      dotnet "$dll" verify-log "$dir/entries.jsonl" --checkpoints "$dir/checkpoints.json" \
      --log-cert "$dir/log-signing.crt" --issuing "$dir/issuing-ca.crt" --root "$dir/root-ca.crt" --lang en | head -2 | tail -1
  done
done
