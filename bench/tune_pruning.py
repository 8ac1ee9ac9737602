#!/usr/bin/env python3
"""Measures what ASHA saves: the same random search with and without early stopping.

For each series of ../shared/datasets/forecasting named by --series this runs, one after the other,

  ./rnn4j tune forecast --data F --target T --features T --test-rows h --horizon 1 --trials N \\
      --sampler random --pruner asha|none

Random sampling draws the same settings in both runs (same seed, no model of past trials), so the runs
differ only in early stopping. It reads each run's trials.csv: the search's time is the sum of the
trials' wall-clock seconds (one trial at a time), and the best validation MAE is the lowest complete
trial's. Prints a markdown table. Python 3 standard library only.
"""
import argparse
import csv
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forecast_suite import ROOT, read_tsv  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", default=os.path.join(ROOT, "..", "shared", "datasets", "forecasting"))
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "tune-pruning"))
    ap.add_argument("--series", default="us_cpi,us_unemployed_total,us_construction_employment")
    ap.add_argument("--trials", default="20")
    args = ap.parse_args()
    suite = {t["series"]: t for t in read_tsv(os.path.join(args.suite, "suite.tsv"))}
    lines = ["| series | pruner | search s | trials complete (pruned) | best validation MAE |",
             "| --- | --- | --- | --- | --- |"]
    for name in args.series.split(","):
        t = suite[name]
        for pruner in ("none", "asha"):
            out = os.path.join(args.out, name + "-" + pruner)
            cmd = [os.path.join(ROOT, "rnn4j"), "tune", "forecast", "--data", os.path.join(args.suite, t["file"]),
                   "--target", t["target"], "--features", t["target"], "--test-rows", t["h"], "--horizon", "1",
                   "--trials", args.trials, "--sampler", "random", "--pruner", pruner, "--out", out]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit("%s %s failed: %s" % (name, pruner, p.stderr.strip()[-400:]))
            with open(os.path.join(out, "trials.csv"), encoding="utf-8") as f:
                trials = list(csv.DictReader(f))
            seconds = sum(float(r["seconds"]) for r in trials)
            complete = [float(r["value"]) for r in trials if r["state"] == "complete"]
            pruned = sum(1 for r in trials if r["state"] == "pruned")
            lines.append("| %s | %s | %.1f | %d (%d) | %.4f |" % (name, pruner, seconds, len(complete), pruned,
                                                                  min(complete)))
            print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
