#!/usr/bin/env python3
"""Runs `rnn4j tune forecast` on the public forecasting suite: the tuned settings against the defaults.

For every univariate (wide) series of ../shared/datasets/forecasting (its PROTOCOL.md: the last h rows
are the test part) and each evaluation this runs

  ./rnn4j tune forecast --data F --target T --features T --test-rows h --horizon 1|h --trials N

which searches on the validation part (inside the training rows) and then trains the best settings and
the defaults with `rnn4j train`, each scored once on the test part. Where tune refuses (a validation
part of fewer than 10 values, too few to choose by) the defaults are trained and stand for both. This script reads both reports and
scores their test MAE relative to R's seasonal naive (rel_mase), as forecast_suite.py does, with the
same protocol check (rnn4j's last-value MAE must equal R's naive MAE).

Writes <out>/results.tsv and <out>/table.md and prints the table. Python 3 standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forecast_suite import geomean, read_tsv  # noqa: E402  (one reader of the suite's files)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", default=os.path.join(ROOT, "..", "shared", "datasets", "forecasting"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "tune-suite"))
    ap.add_argument("--series", default="", help="comma-separated subset (default: every wide series)")
    ap.add_argument("--evaluation", default="one_step,multi_step")
    ap.add_argument("--trials", default="20")
    ap.add_argument("--extra", default="", help="more options for 'rnn4j tune forecast', e.g. '--pruner none'")
    args = ap.parse_args()
    suite = os.path.abspath(args.suite)
    ref = {(r["set"], r["series"], r["evaluation"], r["method"]): r
           for r in read_tsv(os.path.join(suite, "reference.tsv"))}
    os.makedirs(args.out, exist_ok=True)
    results = []
    for t in read_tsv(os.path.join(suite, "suite.tsv")):
        if t["layout"] != "wide" or (args.series and t["series"] not in args.series.split(",")):
            continue
        for ev in args.evaluation.split(","):
            h = int(t["h"])
            run_dir = os.path.join(args.out, t["series"] + "-" + ev)
            cmd = [os.path.join(ROOT, "rnn4j"), "tune", "forecast", "--data", os.path.join(suite, t["file"]),
                   "--target", t["target"], "--features", t["target"], "--test-rows", str(h),
                   "--horizon", str(1 if ev == "one_step" else h), "--trials", args.trials,
                   "--out", run_dir] + args.extra.split()
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.time() - t0
            with open(os.path.join(args.out, t["series"] + "-" + ev + ".log"), "w", encoding="utf-8") as f:
                f.write(p.stdout + p.stderr)
            refused = p.returncode == 2 and "too few to choose among settings" in p.stderr
            if refused:
                # tune declines a validation part too small to choose by: the user keeps the defaults
                report = os.path.join(run_dir, "defaults", "report.json")
                train = [os.path.join(ROOT, "rnn4j"), "train"] + cmd[3:cmd.index("--trials")] + [
                    "--out", os.path.join(run_dir, "defaults"), "--report", report]
                q = subprocess.run(train, capture_output=True, text=True)
                if q.returncode != 0:
                    sys.exit("%s %s: rnn4j train failed: %s" % (t["series"], ev, q.stderr.strip()[-500:]))
                seconds = time.time() - t0
            elif p.returncode != 0:
                sys.exit("%s %s failed (%d): %s" % (t["series"], ev, p.returncode, p.stderr.strip()[-500:]))
            with open(os.path.join(run_dir, "defaults", "report.json"), encoding="utf-8") as f:
                default = json.load(f)
            best = default
            if not refused:
                with open(os.path.join(run_dir, "best", "report.json"), encoding="utf-8") as f:
                    best = json.load(f)
            last = next(b for b in best["baselines"] if b["name"] == "last value")
            r_naive = float(ref[("univariate", t["series"], ev, "naive")]["mae"])
            if abs(last["mae"] - r_naive) > 1e-4 * max(1.0, abs(r_naive)):
                sys.exit("protocol mismatch on %s %s: rnn4j's last-value MAE %.6f, R's naive %.6f"
                         % (t["series"], ev, last["mae"], r_naive))
            snaive = float(ref[("univariate", t["series"], ev, "snaive")]["mae"])
            trials = sum(1 for line in p.stdout.splitlines() if line.startswith("  trial "))
            pruned = sum(1 for line in p.stdout.splitlines() if line.startswith("  trial ") and "pruned" in line)
            row = {"series": t["series"], "evaluation": ev, "tuned": best["model"]["mae"] / snaive,
                   "defaults": default["model"]["mae"] / snaive,
                   "ets": float(ref[("univariate", t["series"], ev, "ets")]["rel_mase"]),
                   "arima": float(ref[("univariate", t["series"], ev, "arima")]["rel_mase"]),
                   "trials": trials, "pruned": pruned, "seconds": seconds, "refused": refused}
            results.append(row)
            print("%-28s %-10s tuned %.4f defaults %.4f (ets %.4f) %s, %.0f s" % (
                t["series"], ev, row["tuned"], row["defaults"], row["ets"],
                "refused: too few validation values" if refused else "%d trials, %d pruned" % (trials, pruned),
                seconds), flush=True)
    cols = ["series", "evaluation", "tuned", "defaults", "ets", "arima", "trials", "pruned", "seconds", "refused"]
    with open(os.path.join(args.out, "results.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in results:
            f.write("\t".join(str(r[c]) for c in cols) + "\n")
    lines = ["| series | evaluation | tuned rel_mase | defaults rel_mase | ets | arima | trials (pruned) | s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append("| %s | %s | %.4f | %.4f | %.4f | %.4f | %s | %.0f |" % (
            r["series"], r["evaluation"], r["tuned"], r["defaults"], r["ets"], r["arima"],
            "refused (defaults kept)" if r["refused"] else "%d (%d)" % (r["trials"], r["pruned"]), r["seconds"]))
    for ev in args.evaluation.split(","):
        rs = [r for r in results if r["evaluation"] == ev]
        if rs:
            lines.append("| **geomean (%d)** | %s | **%.4f** | **%.4f** | %.4f | %.4f | | %.0f |" % (
                len(rs), ev, geomean([r["tuned"] for r in rs]), geomean([r["defaults"] for r in rs]),
                geomean([r["ets"] for r in rs]), geomean([r["arima"] for r in rs]), sum(r["seconds"] for r in rs)))
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
