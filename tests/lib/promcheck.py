#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""promcheck.py PROM JSON: checks `xenlog stats --prometheus` (file PROM) with
the real parser of python3-prometheus-client against `xenlog stats --json`
(file JSON) of the same daemon, taken while nothing moved:

- the exposition is valid and every family is grouped: the parser reads each
  family once, with its HELP and TYPE once each;
- every sample of a family has the same label set; a counter's samples end
  in _total; every family is a counter or a gauge and has a HELP text;
- the families and every sample (labels and value) are exactly those the JSON
  holds: xenlogd_NAME for each daemon figure (no labels), xenlogd_stream_KEY
  for each number or boolean of a stream (labels domid, id, file).
Prints the number of families and samples; exits 1 with the reasons if wrong."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

STREAM_LABELS = ("domid", "id", "state", "file")


def expected(doc):
    want = {}
    for name, value in doc["daemon"].items():
        want[("xenlogd_" + name, ())] = float(value)
    for s in doc["streams"]:
        labels = (("domid", str(s["domid"])), ("file", s["file"]), ("id", str(s["id"])))
        for key, value in s.items():
            if key in STREAM_LABELS:
                continue
            want[("xenlogd_stream_" + key, labels)] = float(value)
    return want


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
    errors = []
    families = list(text_string_to_metric_families(text))
    names = [f.name for f in families]
    got = {}
    for f in families:
        if names.count(f.name) != 1:
            errors.append("family %s read %d times (not grouped)" % (f.name, names.count(f.name)))
        shown = f.name + ("_total" if f.type == "counter" else "")
        for kind in ("HELP", "TYPE"):
            n = sum(1 for line in text.splitlines() if line.startswith("# %s %s " % (kind, shown)))
            if n != 1:
                errors.append("family %s: %d %s lines" % (f.name, n, kind))
        if f.type not in ("counter", "gauge"):
            errors.append("family %s: type %s" % (f.name, f.type))
        if not f.documentation:
            errors.append("family %s: no HELP text" % f.name)
        if not f.samples:
            errors.append("family %s: no samples" % f.name)
        labelsets = {tuple(sorted(s.labels)) for s in f.samples}
        if len(labelsets) > 1:
            errors.append("family %s: label sets differ: %s" % (f.name, sorted(labelsets)))
        for s in f.samples:
            if f.type == "counter" and s.name != f.name + "_total":
                errors.append("counter %s: sample %s" % (f.name, s.name))
            key = (f.name, tuple(sorted(s.labels.items())))
            if key in got:
                errors.append("sample %s twice" % (key,))
            got[key] = s.value
    want = expected(doc)
    for key in sorted(set(want) | set(got)):
        if key not in got:
            errors.append("missing in Prometheus: %s = %s" % (key, want[key]))
        elif key not in want:
            errors.append("not in JSON: %s = %s" % (key, got[key]))
        elif got[key] != want[key]:
            errors.append("%s: Prometheus %s, JSON %s" % (key, got[key], want[key]))
    nfam = len({k[0] for k in want})
    if len(families) != nfam:
        errors.append("%d families, the JSON has %d" % (len(families), nfam))
    for e in errors:
        print("promcheck: " + e)
    print("promcheck: %d families, %d samples%s" % (len(families), len(got),
                                                   "" if errors else ", all as in the JSON"))
    for f in families:
        print("  %s %s (%d)" % (f.type, f.name, len(f.samples)))
    return 1 if errors else 0


sys.exit(main())
