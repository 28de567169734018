#!/usr/bin/env bash
# A two-host lab on one machine (root): the source and the destination each in their own network
# namespace, joined by a veth pair whose two ends are shaped with `tc tbf` (a real kernel TCP
# stream under a real bandwidth limit; this kernel has no netem, so added latency, if asked for,
# comes from `livemig proxy` running next to the destination). Runs one migration, prints both
# sides' summaries, and removes the namespaces (and everything in them) on any exit.
#
# Usage: sudo bench/scripts/netns-lab.sh [--rate 400mbit] [--burst 512kb] [--queue 50ms]
#            [--latency 20ms] [--memory 128m] [--workload SPEC] [-- SOURCE_OPTION...]
#   --rate, --burst, --queue  tc tbf rate, burst and queue latency on each end of the link
#                             (tc units: kbit, mbit, gbit; kb, mb; ms)
#   --latency D               added round trip, via `livemig proxy --latency D` in the destination's namespace
#   --memory, --workload      the guest (default 128m, memwrite:wss=32m,rate=16m)
#   after --                  passed on to `livemig source` (e.g. --policy cpu-scheduling --bandwidth 0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

RATE=400mbit; BURST=512kb; QUEUE=50ms; LATENCY=""; MEMORY=128m; WORKLOAD="memwrite:wss=32m,rate=16m"
SOURCE_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --burst) BURST="$2"; shift 2 ;;
    --queue) QUEUE="$2"; shift 2 ;;
    --latency) LATENCY="$2"; shift 2 ;;
    --memory) MEMORY="$2"; shift 2 ;;
    --workload) WORKLOAD="$2"; shift 2 ;;
    --) shift; SOURCE_ARGS=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "netns-lab: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "netns-lab: needs root (network namespaces, tc)" >&2; exit 2; }

TAG="lm$$"                      # unique per run: two labs may run side by side
NS_SRC="$TAG-src"; NS_DST="$TAG-dst"
IF_SRC="${TAG}s"; IF_DST="${TAG}d"   # interface names: at most 15 characters
ADDR_SRC=10.213.0.1; ADDR_DST=10.213.0.2
OUT="$(mktemp -d)"
PIDS=()

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS_SRC" 2>/dev/null || true   # deleting a namespace deletes its end of the veth pair
  ip netns del "$NS_DST" 2>/dev/null || true
  rm -rf "$OUT"
  exit "$status"
}
trap cleanup EXIT INT TERM

./livemig --version > /dev/null   # build once, outside the namespaces

ip netns add "$NS_SRC"
ip netns add "$NS_DST"
ip link add "$IF_SRC" type veth peer name "$IF_DST"
ip link set "$IF_SRC" netns "$NS_SRC"
ip link set "$IF_DST" netns "$NS_DST"
ip -n "$NS_SRC" addr add "$ADDR_SRC/30" dev "$IF_SRC"
ip -n "$NS_DST" addr add "$ADDR_DST/30" dev "$IF_DST"
for ns in "$NS_SRC" "$NS_DST"; do ip -n "$ns" link set lo up; done
ip -n "$NS_SRC" link set "$IF_SRC" up
ip -n "$NS_DST" link set "$IF_DST" up
# Each end shapes what it sends: source->destination on the source's end, and back on the other.
ip netns exec "$NS_SRC" tc qdisc add dev "$IF_SRC" root tbf rate "$RATE" burst "$BURST" latency "$QUEUE"
ip netns exec "$NS_DST" tc qdisc add dev "$IF_DST" root tbf rate "$RATE" burst "$BURST" latency "$QUEUE"
echo "netns-lab: $NS_SRC ($ADDR_SRC) <-> $NS_DST ($ADDR_DST), tbf rate $RATE burst $BURST queue $QUEUE each way${LATENCY:+, proxy latency $LATENCY}"
if command -v ping > /dev/null; then
  ip netns exec "$NS_SRC" ping -c 3 -i 0.2 -q "$ADDR_DST" | tail -1 | sed 's/^/netns-lab: ping: /'
fi

# Waits for a "listening on HOST:PORT" line in a log file; prints the port.
await_port() {
  local log="$1"
  for _ in $(seq 1 600); do
    if grep -q "listening on" "$log" 2>/dev/null; then
      grep -o "listening on [0-9.]*:[0-9]*" "$log" | head -1 | sed 's/.*://'; return 0
    fi
    sleep 0.1
  done
  echo "netns-lab: no 'listening on' line in $log:" >&2; cat "$log" >&2; return 1
}

ip netns exec "$NS_DST" ./livemig dest --listen "$ADDR_DST:0" --run-for 2s --stats-json "$OUT/dest.json" \
  > "$OUT/dest.log" 2>&1 &
PIDS+=($!)
PORT=$(await_port "$OUT/dest.log")
TO="$ADDR_DST:$PORT"
if [[ -n "$LATENCY" ]]; then
  # Next to the destination: source -> veth (tbf) -> proxy (delay) -> destination, inside its namespace.
  ip netns exec "$NS_DST" ./livemig proxy --listen "$ADDR_DST:0" --to "$ADDR_DST:$PORT" --latency "$LATENCY" \
    > "$OUT/proxy.log" 2>&1 &
  PIDS+=($!)
  TO="$ADDR_DST:$(await_port "$OUT/proxy.log")"
fi

set +e
ip netns exec "$NS_SRC" ./livemig source --memory "$MEMORY" --vcpus 1 --workload "$WORKLOAD" --to "$TO" \
  --migrate-after 1s --stats-json "$OUT/source.json" "${SOURCE_ARGS[@]}" 2> "$OUT/source.err"
SOURCE_STATUS=$?
set -e
wait "${PIDS[0]}" 2>/dev/null || true
echo "--- source (exit $SOURCE_STATUS), per round:"
cat "$OUT/source.err"
echo "--- destination:"
cat "$OUT/dest.log"
if [[ -f "$OUT/source.json" ]]; then
  python3 - "$OUT/source.json" "$RATE" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
m = re.fullmatch(r"(\d+(?:\.\d+)?)(k|m|g)?bit", sys.argv[2])
link = float(m.group(1)) * {None: 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2)] / 8 if m else 0
bw = s.get("bandwidth_bytes_per_s", 0)
print(f"netns-lab: status {s['status']}, {s['rounds']} rounds, {s['transferred_bytes'] / 1048576:.1f} MiB sent, "
      f"{bw / 1048576:.1f} MiB/s ({bw / link * 100:.0f} % of the tbf rate {link / 1048576:.1f} MiB/s), "
      f"downtime {s['downtime_ms']:.1f} ms, digest verified: {s['digest_verified']}" if link else s["status"])
PY
fi
exit "$SOURCE_STATUS"
