#!/usr/bin/env python3
"""Scores privaudit's JSON-lines findings against the generated ground truth.

A finding is a true positive when the truth has the same path, line, kind and
fingerprint (compared as multisets, so a value planted twice on one line counts twice).

    python3 bench/score.py --truth FILE --findings FILE --corpus DIR
"""

import argparse
import collections
import json
import os


def key(path, line, kind, fp):
    return (path, int(line), kind, fp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", required=True)
    ap.add_argument("--findings", required=True)
    ap.add_argument("--corpus", required=True, help="the path privaudit was given")
    args = ap.parse_args()

    truth = collections.Counter()
    with open(args.truth) as f:
        for line in f:
            t = json.loads(line)
            truth[key(t["path"], t["line"], t["kind"], t["fingerprint"])] += 1

    found = collections.Counter()
    with open(args.findings) as f:
        for line in f:
            x = json.loads(line)
            rel = os.path.relpath(x["path"], args.corpus)
            found[key(rel, x["line"], x["kind"], x["fingerprint"])] += 1

    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    per_kind = collections.defaultdict(lambda: [0, 0, 0])
    for k, n in (truth & found).items():
        per_kind[k[2]][0] += n
    for k, n in (found - truth).items():
        per_kind[k[2]][1] += n
    for k, n in (truth - found).items():
        per_kind[k[2]][2] += n
    print(f"planted {sum(truth.values())}, reported {sum(found.values())}, "
          f"true positives {tp}, false positives {fp}, missed {fn}")
    for kind in sorted(per_kind):
        t, f_, m = per_kind[kind]
        print(f"  {kind:10} tp {t:6}  fp {f_:4}  missed {m:4}")
    for k in list((found - truth))[:5]:
        print(f"  false positive: {k}")
    for k in list((truth - found))[:5]:
        print(f"  missed: {k}")
    print(f"precision {precision:.4f}  recall {recall:.4f}")
    return 0 if precision >= 0.99 and recall >= 0.99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
