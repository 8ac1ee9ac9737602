#!/usr/bin/env python3
"""Runs rnn4j's forecaster on the public forecasting suite beside R's forecast package.

The suite (series, protocol, R's reference numbers) is ../shared/datasets/forecasting by
default; its PROTOCOL.md says what is measured. For every univariate (wide) series and both
evaluations this runs

  one_step:   ./rnn4j train --data F --target T --features T --test-rows h --horizon 1
  multi_step: ./rnn4j train --data F --target T --features T --test-rows h --horizon h

(plus --extra's options), reads the --report JSON, and scores the test MAE relative to seasonal
naive (rel_mase) exactly as the protocol does. With --r it first runs the suite's reference.R
(R's ets, auto.arima and the naive methods) on a copy of the suite, so the peer is measured in
the same run on the same machine; without it the suite's reference.tsv is used.

It checks itself: the last-value baseline rnn4j reports must equal R's naive MAE (same test rows,
same protocol) to 4 digits, or the run stops.

Writes <out>/results.tsv and <out>/table.md (the BENCHMARKS.md table) and prints both.
Python 3 standard library only.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def run_r(suite):
    """Runs reference.R on a copy of the suite; returns (reference rows, R's summary text)."""
    tmp = tempfile.mkdtemp(prefix="rnn4j-r-")
    for name in os.listdir(suite):
        src = os.path.join(suite, name)
        if os.path.isfile(src):
            shutil.copy(src, tmp)
    t0 = time.time()
    p = subprocess.run(["Rscript", os.path.join(tmp, "reference.R"), tmp], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("R's reference.R failed:\n" + p.stderr)
    rows = read_tsv(os.path.join(tmp, "reference.tsv"))
    shutil.rmtree(tmp)
    return rows, p.stdout, time.time() - t0


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", default=os.path.join(ROOT, "..", "shared", "datasets", "forecasting"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "forecast-suite"))
    ap.add_argument("--series", default="", help="comma-separated subset (default: every wide series)")
    ap.add_argument("--evaluation", default="one_step,multi_step")
    ap.add_argument("--extra", default="", help="more options for 'rnn4j train', e.g. '--cell gru'")
    ap.add_argument("--label", default="rnn4j defaults")
    ap.add_argument("--r", action="store_true", help="run R's reference.R in this run (needs Rscript)")
    ap.add_argument("--global", dest="global_model", action="store_true",
                    help="the many-series set as one global model (rnn4j train --id-column) instead of one model per id")
    args = ap.parse_args()

    suite = os.path.abspath(args.suite)
    tasks = []
    os.makedirs(args.out, exist_ok=True)
    for t in read_tsv(os.path.join(suite, "suite.tsv")):
        if args.series and t["series"] not in set(args.series.split(",")):
            continue
        if t["layout"] == "wide":
            tasks.append(dict(t, set="univariate", path=os.path.join(suite, t["file"])))
            continue
        if args.global_model:
            tasks.append(dict(t, set=t["series"], path=os.path.join(suite, t["file"]), global_model=True))
            continue
        # long layout (id,date,value): one CSV per id, each fitted on its own (per-series models)
        per_id = {}
        with open(os.path.join(suite, t["file"]), encoding="utf-8") as f:
            head = f.readline().strip().split(",")
            for line in f:
                cells = line.strip().split(",")
                if len(cells) == len(head):
                    row = dict(zip(head, cells))
                    per_id.setdefault(row["id"], []).append((row["date"], row[t["target"]]))
        split_dir = os.path.join(args.out, "series-" + t["series"])
        os.makedirs(split_dir, exist_ok=True)
        for sid, rows in per_id.items():
            path = os.path.join(split_dir, sid + ".csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("date," + t["target"] + "\n")
                f.writelines("%s,%s\n" % r for r in rows)
            tasks.append(dict(t, set=t["series"], series=sid, path=path))
    evaluations = args.evaluation.split(",")
    r_text = ""
    if args.r:
        reference, r_text, r_seconds = run_r(suite)
        print(r_text)
        print("R reference.R: %.0f s" % r_seconds)
    else:
        reference = read_tsv(os.path.join(suite, "reference.tsv"))
    ref = {(r["set"], r["series"], r["evaluation"], r["method"]): r for r in reference}
    results = []
    for t in tasks:
        for ev in evaluations:
            h = int(t["h"])
            horizon = 1 if ev == "one_step" else h
            run_dir = os.path.join(args.out, t["set"] + "-" + t["series"] + "-" + ev)
            report = os.path.join(run_dir, "report.json")
            cmd = [os.path.join(ROOT, "rnn4j"), "train", "--data", t["path"],
                   "--target", t["target"], "--features", t["target"], "--test-rows", str(h),
                   "--horizon", str(horizon), "--out", run_dir, "--report", report] + args.extra.split()
            if t.get("global_model"):
                cmd = [os.path.join(ROOT, "rnn4j"), "train", "--data", t["path"], "--id-column", "id",
                       "--target", t["target"], "--test-rows", str(h), "--horizon", str(horizon), "--out", run_dir,
                       "--report", report] + args.extra.split()
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.time() - t0
            if p.returncode != 0:
                sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout[-3000:], p.stderr[-3000:]))
            with open(os.path.join(run_dir, "log.txt"), "w", encoding="utf-8") as f:
                f.write(p.stdout)
            rep = json.load(open(report, encoding="utf-8"))
            if t.get("global_model"):
                for one in rep["series"]:
                    snaive = float(ref[(t["set"], one["id"], ev, "snaive")]["mae"])
                    last = next(b for b in one["baselines"] if b["name"] == "last value")
                    r_naive = float(ref[(t["set"], one["id"], ev, "naive")]["mae"])
                    if abs(last["mae"] - r_naive) > 1e-4 * max(1.0, abs(r_naive)):
                        sys.exit("protocol mismatch on %s %s" % (one["id"], ev))
                    results.append({"set": t["set"], "series": one["id"], "evaluation": ev,
                                    "mae": one["model"]["mae"], "mase": one["model"]["mase"],
                                    "rel_mase": one["model"]["mae"] / snaive, "frame": "change (global)",
                                    "ets": float(ref[(t["set"], one["id"], ev, "ets")]["rel_mase"]),
                                    "arima": float(ref[(t["set"], one["id"], ev, "arima")]["rel_mase"]),
                                    "naive": float(ref[(t["set"], one["id"], ev, "naive")]["rel_mase"]),
                                    "drift": float(ref[(t["set"], one["id"], ev, "drift")]["rel_mase"]),
                                    "seconds": seconds / len(rep["series"]), "coverage": None, "points": 0})
                print("%-28s %-10s global model over %d series, %.0f s" % (t["series"], ev, len(rep["series"]),
                                                                           seconds), flush=True)
                continue
            last = next(b for b in rep["baselines"] if b["name"] == "last value")
            r_naive = float(ref[(t["set"], t["series"], ev, "naive")]["mae"])
            if abs(last["mae"] - r_naive) > 1e-4 * max(1.0, abs(r_naive)):
                sys.exit("protocol mismatch on %s %s: rnn4j's last-value MAE %.6f, R's naive %.6f"
                         % (t["series"], ev, last["mae"], r_naive))
            snaive = float(ref[(t["set"], t["series"], ev, "snaive")]["mae"])
            mae = rep["model"]["mae"]
            row = {"set": t["set"], "series": t["series"], "evaluation": ev, "mae": mae, "mase": rep["model"]["mase"],
                   "rel_mase": mae / snaive, "frame": rep["settings"]["frame"],
                   "ets": float(ref[(t["set"], t["series"], ev, "ets")]["rel_mase"]),
                   "arima": float(ref[(t["set"], t["series"], ev, "arima")]["rel_mase"]),
                   "naive": float(ref[(t["set"], t["series"], ev, "naive")]["rel_mase"]),
                   "drift": float(ref[(t["set"], t["series"], ev, "drift")]["rel_mase"]),
                   "seconds": seconds}
            iv = rep.get("intervals")
            row["coverage"] = iv["coverage"] if iv else None
            row["points"] = iv["points"] if iv else 0
            row["winkler_rel"] = iv["winkler"] / snaive if iv else None
            results.append(row)
            print("%-28s %-10s rel_mase %.4f (ets %.4f, arima %.4f) frame %-10s %.0f s" % (
                t["series"], ev, row["rel_mase"], row["ets"], row["arima"], row["frame"], seconds), flush=True)

    with open(os.path.join(args.out, "results.tsv"), "w", encoding="utf-8") as f:
        cols = ["set", "series", "evaluation", "mae", "mase", "rel_mase", "ets", "arima", "naive", "drift", "frame",
                "coverage", "seconds"]
        f.write("\t".join(cols) + "\n")
        for r in results:
            f.write("\t".join(str(r[c]) for c in cols) + "\n")

    lines = ["%s, %s, suite `datasets/forecasting` (%d series), options: `%s`" % (
        args.label, date.today().isoformat(), len(tasks), args.extra or "(defaults)"), "",
        "| series | evaluation | rnn4j rel_mase | frame | ets | arima | naive | drift | beats snaive | s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append("| %s | %s | %.4f | %s | %.4f | %.4f | %.4f | %.4f | %s | %.0f |" % (
            r["series"], r["evaluation"], r["rel_mase"], r["frame"], r["ets"], r["arima"], r["naive"], r["drift"],
            "yes" if r["rel_mase"] < 1 else "**no**", r["seconds"]))
    for st in sorted(set(r["set"] for r in results), key=lambda x: x != "univariate"):
        for ev in evaluations:
            rs = [r for r in results if r["evaluation"] == ev and r["set"] == st]
            lines.append("| **geomean %s (%d)** | %s | **%.4f** | | %.4f | %.4f | %.4f | %.4f | %d of %d | %.0f |" % (
                st, len(rs), ev, geomean([r["rel_mase"] for r in rs]), geomean([r["ets"] for r in rs]),
                geomean([r["arima"] for r in rs]), geomean([r["naive"] for r in rs]),
                geomean([r["drift"] for r in rs]), sum(1 for r in rs if r["rel_mase"] < 1), len(rs),
                sum(r["seconds"] for r in rs)))
    for ev in evaluations:
        rs = [r for r in results if r["evaluation"] == ev and r["coverage"] is not None and r["set"] == "univariate"]
        if rs:
            points = sum(r["points"] for r in rs)
            inside = sum(r["coverage"] * r["points"] for r in rs)
            lines.append("")
            lines.append("%s intervals: %.1f%% of %d test points inside the interval; per series %s" % (
                ev, 100 * inside / points, points,
                ", ".join("%s %.0f%%" % (r["series"], 100 * r["coverage"]) for r in rs)))
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
