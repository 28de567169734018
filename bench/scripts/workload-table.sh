#!/usr/bin/env bash
# Measures every workload with `livemig run` at CPU caps 100/50/25 % and prints the Markdown table
# of docs/workloads.md ("Measured figures"), then memwrite's rate calibration error.
# Usage: bench/scripts/workload-table.sh [SECONDS_PER_RUN]   (default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECONDS_PER_RUN="${1:-3}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
./livemig --version > /dev/null   # builds if needed
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); ${SECONDS_PER_RUN} s per run, 256 MiB guest, 1 vCPU"
echo
echo "| workload | cap % | ops/s | dirty MiB/s | CPU share % | ops/s vs 100 % | dirty vs 100 % | verified |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for spec in "memwrite:wss=128m,rate=64m,pattern=sequential" "memwrite:wss=128m" "hotcold:wss=128m" \
            "kvstore:records=200000,value=100" "stencil:n=1024" "idle"; do
  base_ops=""; base_dirty=""
  for cap in 100 50 25; do
    f="$OUT/run.json"
    ./livemig run --memory 256m --vcpus 1 --workload "$spec" --for "${SECONDS_PER_RUN}s" --cap "$cap" --stats-json "$f" > /dev/null 2>&1 || true
    ops=$(field "$f" ops_per_s); dirty=$(field "$f" dirty_rate_bytes_per_s); cpu=$(field "$f" cpu_share_pct); ok=$(field "$f" verified)
    if [[ -z "$base_ops" ]]; then base_ops=$ops; base_dirty=$dirty; fi
    python3 - "$spec" "$cap" "$ops" "$dirty" "$cpu" "$ok" "$base_ops" "$base_dirty" <<'PY'
import sys
spec, cap, ops, dirty, cpu, ok, bops, bdirty = sys.argv[1:]
ops, dirty, cpu, bops, bdirty = map(float, (ops, dirty, cpu, bops, bdirty))
r = lambda a, b: f"{a / b:.2f}" if b > 0 else "-"
print(f"| `{spec}` | {cap} | {ops:,.0f} | {dirty / 1048576:.1f} | {cpu:.1f} | {r(ops, bops)} | {r(dirty, bdirty)} | {ok} |")
PY
  done
done
echo
echo "memwrite rate calibration (sequential, each page touched at most once per second, so dirty rate = touch rate):"
for rate in 16m 64m 256m; do
  f="$OUT/cal.json"
  ./livemig run --memory 1g --vcpus 1 --workload "memwrite:wss=768m,rate=$rate,pattern=sequential" --for "${SECONDS_PER_RUN}s" --stats-json "$f" > /dev/null 2>&1 || true
  python3 - "$rate" "$(field "$f" dirty_rate_bytes_per_s)" "$(field "$f" cpu_share_pct)" <<'PY'
import sys
rate, dirty, cpu = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
target = int(rate[:-1]) * 1048576
per_cpu = dirty / (cpu / 100) if cpu > 0 else 0
print(f"- rate={rate}: measured {dirty / 1048576:.1f} MiB/s at {cpu:.1f} % CPU = {per_cpu / 1048576:.1f} MiB per CPU-second; error {100 * (per_cpu - target) / target:+.1f} %")
PY
done
