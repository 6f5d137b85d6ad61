# SPDX-License-Identifier: Apache-2.0
"""Differential test: `heapsolve check --json` against the Python reference.

For each seed, gen.py writes a random system, then both implementations run
on the same files (relative names, from the files' directory, so `at` reads
`board.yaml:12`).  Compared: the exit status; for exit 2 only that stdout is
empty; for solved buffers every field (and the field order); for
unsatisfiable buffers `ok` and the set of (user, rule, at) of `conflicts`
(not `detail`, not `suggestion`).

Usage: differential.py HEAPSOLVE [--count N] [--seed FIRST] [--max-report K]
                       [--additions]
With --additions, gen.py also draws the keys of schema.md's "Additions of
2026-12" and the heap key `capacity` (off by default until the C++ has them).
Exit 0 when every seed agrees, 1 otherwise.  The last line is
`N passed, M failed`.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen          # noqa: E402
import reference    # noqa: E402

SOLVED_KEYS = ["name", "ok", "heap", "backend", "format", "modifier", "width",
               "height", "count", "size", "planes"]
INT_KEYS = ["width", "height", "count", "size"]


def run_reference(files, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return reference.check(files)
    finally:
        os.chdir(old)


def run_binary(binary, files, cwd):
    p = subprocess.run([binary, "check", "--json"] + files, cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=20)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def shape_errors(doc, allow_extra=False):
    """Checks the C++ JSON against cli.md's shape; returns a list of text.

    cli.md names the fields of an unsatisfiable buffer (name, ok, conflicts,
    optional suggestion); with `allow_extra`, further fields after those are
    tolerated so that the rest can still be compared."""
    errs = []
    if not isinstance(doc, dict) or list(doc.keys()) != ["buffers"]:
        return ["top level is not {\"buffers\": [...]}"]
    for b in doc["buffers"]:
        if b.get("ok") is True:
            if list(b.keys()) != SOLVED_KEYS:
                errs.append("%s: keys %s, want %s" % (b.get("name"),
                                                       list(b.keys()),
                                                       SOLVED_KEYS))
            for k in INT_KEYS:
                if not is_int(b.get(k)):
                    errs.append("%s: %s is not an integer" % (b.get("name"), k))
            for p in b.get("planes", []):
                if list(p.keys()) != ["offset", "stride"] or \
                        not all(is_int(v) for v in p.values()):
                    errs.append("%s: bad plane %s" % (b.get("name"), p))
        elif b.get("ok") is False:
            keys = list(b.keys())
            if allow_extra:
                n = 4 if keys[3:4] == ["suggestion"] else 3
                keys = keys[:n]
            if keys not in (["name", "ok", "conflicts"],
                            ["name", "ok", "conflicts", "suggestion"]):
                errs.append("%s: keys %s, want name, ok, conflicts and an "
                            "optional suggestion" % (b.get("name"),
                                                     list(b.keys())))
            for c in b.get("conflicts", []):
                if list(c.keys()) != ["user", "rule", "detail", "at"]:
                    errs.append("%s: conflict keys %s" % (b.get("name"),
                                                          list(c.keys())))
        else:
            errs.append("buffer without boolean ok: %s" % b)
    return errs


def conflict_set(b):
    return {(c.get("user"), c.get("rule"), c.get("at"))
            for c in b.get("conflicts", [])}


def compare(ref, cpp, allow_extra=False):
    """Returns a list of differences (empty when they agree) and a tag."""
    rrc, rout, _ = ref
    crc, cout, _ = cpp
    if rrc != crc:
        return ["exit status: reference %d, heapsolve %d" % (rrc, crc)], \
            "exit %d vs %d" % (rrc, crc)
    if rrc == 2:
        if cout != "":
            return ["exit 2 but heapsolve wrote to stdout"], "stdout on exit 2"
        return [], None
    if rrc not in (0, 1):
        return ["unexpected exit status %d" % rrc], "exit %d" % rrc
    try:
        cdoc = json.loads(cout, object_pairs_hook=collections.OrderedDict)
    except ValueError as e:
        return ["heapsolve stdout is not JSON: %s" % e], "not JSON"
    rdoc = json.loads(rout)
    diffs = shape_errors(cdoc, allow_extra)
    tag = "shape" if diffs else None
    if not isinstance(cdoc, dict) or not isinstance(cdoc.get("buffers"), list):
        return diffs, tag
    rb, cb = rdoc["buffers"], cdoc["buffers"]
    if [b["name"] for b in rb] != [b.get("name") for b in cb]:
        return ["buffer names: reference %s, heapsolve %s" %
                ([b["name"] for b in rb], [b.get("name") for b in cb])], \
            "buffer list"
    for r, c in zip(rb, cb):
        if r["ok"] != c.get("ok"):
            diffs.append("%s: ok reference %s, heapsolve %s" %
                         (r["name"], r["ok"], c["ok"]))
            tag = tag or "ok %s vs %s" % (r["ok"], c["ok"])
        elif r["ok"]:
            for k in SOLVED_KEYS:
                if r[k] != c.get(k):
                    diffs.append("%s: %s reference %s, heapsolve %s" %
                                 (r["name"], k, json.dumps(r[k]),
                                  json.dumps(c.get(k))))
                    tag = tag or "solved field %s" % k
        else:
            rs, cs = conflict_set(r), conflict_set(c)
            if rs != cs:
                for x in sorted(rs - cs, key=str):
                    diffs.append("%s: only reference has conflict %s" %
                                 (r["name"], x))
                for x in sorted(cs - rs, key=str):
                    diffs.append("%s: only heapsolve has conflict %s" %
                                 (r["name"], x))
                rules = sorted({x[1] for x in rs ^ cs})
                tag = tag or "conflicts (%s)" % ",".join(rules)
    return diffs, tag


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("heapsolve")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-report", type=int, default=5,
                    help="print details of at most this many failures")
    ap.add_argument("--allow-extra-fields", action="store_true",
                    help="tolerate fields cli.md does not name after those of "
                    "an unsatisfiable buffer")
    ap.add_argument("--stats", action="store_true",
                    help="print how many systems exit 0, 1 and 2")
    ap.add_argument("--additions", action="store_true",
                    help="systems that also use page_size, per-format "
                    "modifiers, chroma_stride and capacity")
    args = ap.parse_args()
    binary = os.path.abspath(args.heapsolve)
    passed = failed = 0
    tags = collections.Counter()
    exits = collections.Counter()
    reported = 0
    for seed in range(args.seed, args.seed + args.count):
        d = tempfile.mkdtemp(prefix="heapsolve-diff-")
        try:
            paths, g = gen.generate(seed, d, args.additions)
            files = [os.path.basename(p) for p in paths]
            ref = run_reference(files, d)
            cpp = run_binary(binary, files, d)
            exits[ref[0]] += 1
            diffs, tag = compare(ref, cpp, args.allow_extra_fields)
            if not diffs:
                passed += 1
                continue
            failed += 1
            tags[tag] += 1
            if reported < args.max_report:
                reported += 1
                print("=" * 72)
                print("MISMATCH seed %d (%s)%s" % (
                    seed, tag, " mutation %s" % g.bad if g.bad else ""))
                print("reproduce: python3 %s%s %d DIR && %s check --json %s" %
                      (os.path.join(os.path.dirname(__file__), "gen.py"),
                       " --additions" if args.additions else "",
                       seed, binary, " ".join(files)))
                for x in diffs:
                    print("  - " + x)
                for p in paths:
                    print("--- %s" % os.path.basename(p))
                    with open(p, encoding="utf-8") as fh:
                        for i, line in enumerate(fh, 1):
                            print("%4d  %s" % (i, line.rstrip("\n")))
                for who, (rc, out, err) in (("reference", ref),
                                            ("heapsolve", cpp)):
                    print("--- %s: exit %d" % (who, rc))
                    if out:
                        print("stdout: " + out.rstrip("\n"))
                    if err:
                        print("stderr: " + err.rstrip("\n"))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    if tags:
        print("failures by kind:")
        for t, n in tags.most_common():
            print("  %4d  %s" % (n, t))
    if args.stats:
        print("reference exits: " + ", ".join(
            "%d: %d" % (k, v) for k, v in sorted(exits.items())))
    if args.additions:
        print("systems drawn with the additions of 2026-12 and capacity")
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
