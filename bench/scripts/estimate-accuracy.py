#!/usr/bin/env python3
"""Offline check of the cost model against a matrix's measured runs (docs/estimate.md).

For each condition of a matrix (workload, memory, vCPUs, bandwidth, downtime limit) found in the
results CSV, runs `./livemig estimate` once with the matrix's options (one estimate covers every
policy), then compares each fixed-policy cell's candidate with the MEDIAN of the cell's measured
runs: per figure the median, p90 and worst absolute relative error, and the share of measured runs
whose host downtime is within 25 % or 20 ms (whichever is larger) of the prediction. An unlimited
link (bandwidth 0) is given the median measured rate of the condition's runs, as the source's
probe would find it. Also checks the recommendation (`--policy auto`) against the measured cells:
it must meet the downtime limit where some fixed policy does (by the cell medians), with work
lost within 10 % of the best such policy.

Usage: bench/scripts/estimate-accuracy.py MATRIX.yaml RESULTS.csv [--repeat N] [--attempts N] [--livemig PATH] [--save F.json] [--load F.json]
Runs the estimates one at a time, under `nice -n 15`; --save keeps the estimates so that a later
--load re-scores them without running anything. The measured runs had the host to themselves: an
estimate whose guest got under 90 % of a core (a busy host) is sampled again, up to --attempts
times, and the sample with the largest CPU share is kept.
"""
import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER = os.path.join(ROOT, "livemig")
FIGURES = [("total time", "total_time_ms", "total_time_ms"),
           ("bytes sent", "transferred_bytes", "transferred_bytes"),
           ("host downtime", "downtime_ms", "downtime_ms"),
           ("rounds", "rounds", "rounds"),
           ("work lost %", "app_work_lost_pct", "work_lost_pct")]


def ms(text):
    text = str(text).strip()
    if text.endswith("ms"): return float(text[:-2])
    if text.endswith("s"): return float(text[:-1]) * 1000
    return float(text)


def condition(row):
    return (row["workload"], row["memory"], row["vcpus"], row["bandwidth"], row["downtime_limit"])


def estimate(matrix, cond, rows, repeat, attempts):
    workload, memory, vcpus, bandwidth, limit = cond
    if bandwidth in ("0", ""):
        bandwidth = str(int(statistics.median(float(r["bandwidth_bytes_per_s"]) for r in rows)))
    sample = matrix.get("migrate_after", "2s")
    out = []
    for _ in range(repeat):
        best = None
        for _ in range(attempts):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
                path = f.name
            cmd = ["nice", "-n", "15", LAUNCHER, "estimate", "--memory", memory, "--vcpus", vcpus,
                   "--workload", workload, "--bandwidth", bandwidth, "--downtime-limit", limit,
                   "--max-rounds", str(matrix.get("max_rounds", 30)), "--sample", sample, "--stats-json", path]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            with open(path) as f: e = json.load(f)
            os.unlink(path)
            if best is None or e["inputs"]["cpu_share_pct"] > best["inputs"]["cpu_share_pct"]: best = e
            if best["inputs"]["cpu_share_pct"] * int(vcpus) >= 90 * min(int(vcpus), os.cpu_count() - 1): break
        out.append(best)
    return out


def prediction(est, policy, mode="precopy"):
    for c in est["candidates"]:
        if c["policy"] == policy and c["mode"] == mode: return c
    return None


def quantile(xs, q):
    xs = sorted(xs)
    return xs[max(0, min(len(xs) - 1, math.ceil(q * len(xs)) - 1))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("matrix")
    ap.add_argument("results")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--attempts", type=int, default=4)
    ap.add_argument("--livemig", help="the launcher to run (default: this checkout's); e.g. an older build's, to compare")
    ap.add_argument("--save")
    ap.add_argument("--load")
    a = ap.parse_args()
    global LAUNCHER
    LAUNCHER = a.livemig or LAUNCHER
    matrix = yaml.safe_load(open(a.matrix))
    runs = [r for r in csv.DictReader(open(a.results)) if r.get("run_status", "ok") in ("ok", "completed", "")]
    conds = {}
    for r in runs: conds.setdefault(condition(r), []).append(r)
    saved = json.load(open(a.load)) if a.load else {}
    estimates = {}
    for cond, rows in conds.items():
        key = "|".join(cond)
        estimates[key] = saved[key] if key in saved else estimate(matrix, cond, rows, a.repeat, a.attempts)
        print("estimated %s: CPU share %s %%" % (key, ", ".join("%.0f" % e["inputs"]["cpu_share_pct"] for e in estimates[key])),
              file=sys.stderr)
    if a.save: json.dump(estimates, open(a.save, "w"))

    errors = {f[0]: [] for f in FIGURES}
    band_hits, band_runs, cells = 0, 0, []
    auto_ok, auto_cells = 0, 0
    for cond, rows in conds.items():
        for est in estimates["|".join(cond)]:
            policies = sorted({r["policy"] for r in rows})
            # an auto cell is compared per candidate it ran (chosen_policy, chosen_mode): the choice is checked below
            subcells = {}
            for r in rows:
                ran = (r["chosen_policy"], r["chosen_mode"] or "precopy") if r["policy"] == "auto" else (r["policy"], r.get("mode") or "precopy")
                subcells.setdefault((r["policy"],) + ran, []).append(r)
            for (policy, ran_policy, mode), cell in sorted(subcells.items()):
                p = prediction(est, ran_policy, mode)
                if p is None: continue
                line = [cond[0][:36], cond[3], policy if policy == ran_policy else policy + ":" + ran_policy]
                for label, mkey, pkey in FIGURES:
                    m = statistics.median(float(r[mkey]) for r in cell)
                    if m > 0: errors[label].append((abs(p[pkey] - m) / m, label, line, p[pkey], m))
                    line.append("%.0f/%.0f" % (p[pkey], m))
                for r in cell:
                    d = float(r["downtime_ms"])
                    band_runs += 1
                    band_hits += abs(p["downtime_ms"] - d) <= max(0.25 * d, 20)
                cells.append(line)
            # the recommendation against the measured fixed policies (pre-copy cells only)
            limit = ms(cond[4])
            fixed = {}
            for policy in policies:
                if policy == "auto": continue
                cell = [r for r in rows if r["policy"] == policy]
                fixed[policy] = (statistics.median(float(r["downtime_ms"]) for r in cell),
                                 statistics.median(float(r["app_work_lost_pct"]) for r in cell))
            rec = est["recommendation"]
            meeting = {k: v for k, v in fixed.items() if v[0] <= limit}
            verdict = "no measured cell for " + rec["policy"] + "/" + rec["mode"]
            if rec["mode"] == "precopy" and rec["policy"] in fixed:
                auto_cells += 1
                down, lost = fixed[rec["policy"]]
                if not meeting:
                    ok, verdict = True, "no fixed policy meets the limit"
                else:
                    best = min(v[1] for v in meeting.values())
                    ok = down <= limit and lost <= best * 1.1
                    verdict = "meets limit: %s, lost %.2f %% vs best %.2f %%" % (down <= limit, lost, best)
                auto_ok += ok
            print("auto %-40s %-8s -> %s/%s: %s" % (cond[0][:40], cond[3], rec["policy"], rec["mode"], verdict))

    print("\n%-42s %-10s %-15s %16s %16s %12s %8s %10s" % ("workload", "bandwidth", "policy", "total ms p/m", "bytes p/m",
                                                          "down ms p/m", "rounds", "lost %"))
    for line in cells: print("%-42s %-10s %-15s %16s %16s %12s %8s %10s" % tuple(line))
    print("\n| figure | cells | median error | p90 error | worst error | worst cell (predicted / measured) |")
    print("|---|---|---|---|---|---|")
    for label, _, _ in FIGURES:
        e = sorted(errors[label], key=lambda x: x[0])
        if not e: continue
        w = e[-1]
        print("| %s | %d | %.0f %% | %.0f %% | %.0f %% | %s %s %s (%.0f / %.0f) |" % (
            label, len(e), 100 * quantile([x[0] for x in e], 0.5), 100 * quantile([x[0] for x in e], 0.9), 100 * w[0],
            w[2][0], w[2][1], w[2][2], w[3], w[4]))
    print("\nHost downtime within 25 %% or 20 ms of the prediction: %d of %d runs (%.0f %%)" % (
        band_hits, band_runs, 100.0 * band_hits / max(1, band_runs)))
    print("Recommendation meets the auto criterion in %d of %d conditions with a measured cell" % (auto_ok, auto_cells))


if __name__ == "__main__":
    main()
