"""Validates a bulkhead-scan JSON or SARIF report with the json module and
prints a short digest for FileCheck.

SARIF is checked against the parts of the 2.1.0 schema that consumers
(GitHub code scanning among them) rely on: required properties, enums,
ranges, and that ruleId/ruleIndex agree with the driver's rules."""
import json
import sys

LEVELS = {"none", "note", "warning", "error"}


def fail(msg):
    print("INVALID: " + msg)
    sys.exit(1)


def need(obj, key, typ, where):
    if key not in obj:
        fail("%s: missing '%s'" % (where, key))
    if not isinstance(obj[key], typ):
        fail("%s: '%s' is %s, not %s" % (where, key, type(obj[key]).__name__, typ))
    return obj[key]


def message(obj, where):
    m = need(obj, "message", dict, where)
    if "text" not in m and "id" not in m:
        fail(where + ": message has neither text nor id")


def check_location(loc, where):
    pl = need(loc, "physicalLocation", dict, where)
    al = need(pl, "artifactLocation", dict, where + ".physicalLocation")
    uri = need(al, "uri", str, where + ".artifactLocation")
    if " " in uri:
        fail(where + ": uri not percent-encoded: " + uri)
    region = pl.get("region", {})
    if "startLine" in region and (not isinstance(region["startLine"], int) or region["startLine"] < 1):
        fail(where + ": startLine must be an integer >= 1")
    for k in ("byteOffset", "byteLength"):
        if k in region and (not isinstance(region[k], int) or region[k] < 0):
            fail(where + ": %s must be an integer >= 0" % k)


def check_sarif(doc):
    if doc.get("version") != "2.1.0":
        fail("version must be 2.1.0")
    if not str(doc.get("$schema", "")).endswith("sarif-2.1.0.json"):
        fail("$schema should name sarif-2.1.0.json")
    runs = need(doc, "runs", list, "log")
    for ri, run in enumerate(runs):
        w = "runs[%d]" % ri
        driver = need(need(run, "tool", dict, w), "driver", dict, w + ".tool")
        print("driver %s" % need(driver, "name", str, w + ".driver"))
        rules = driver.get("rules", [])
        for r in rules:
            need(r, "id", str, "rule")
            level = r.get("defaultConfiguration", {}).get("level", "warning")
            if level not in LEVELS:
                fail("rule level " + level)
        for inv in run.get("invocations", []):
            ok = need(inv, "executionSuccessful", bool, "invocation")
            print("executionSuccessful %s" % str(ok).lower())
            for n in inv.get("toolExecutionNotifications", []):
                message(n, "notification")
                if n.get("level", "warning") not in LEVELS:
                    fail("notification level")
                print("notification %s %s" % (n.get("level"), n["message"]["text"]))
        for i, res in enumerate(need(run, "results", list, w)):
            where = "result[%d]" % i
            message(res, where)
            rid = res.get("ruleId")
            if "ruleIndex" in res:
                idx = res["ruleIndex"]
                if not isinstance(idx, int) or not 0 <= idx < len(rules) or rules[idx]["id"] != rid:
                    fail(where + ": ruleIndex does not match ruleId")
            if res.get("level", "warning") not in LEVELS:
                fail(where + ": level")
            locs = need(res, "locations", list, where)
            for li, loc in enumerate(locs):
                check_location(loc, "%s.locations[%d]" % (where, li))
            sup = res.get("suppressions", [])
            for s in sup:
                if s.get("kind") not in ("inSource", "external"):
                    fail(where + ": suppression kind")
                if s.get("status", "accepted") not in ("accepted", "underReview", "rejected"):
                    fail(where + ": suppression status")
            first = locs[0]["physicalLocation"]
            print("result %s %s %s%s addr=%s uri=%s region=%s system=%s" % (
                rid, res.get("level"), "suppressed " if sup else "",
                res["properties"]["class"], res["properties"]["address"],
                first["artifactLocation"]["uri"], json.dumps(first.get("region"), sort_keys=True),
                res["properties"].get("system", "-")))


def check_json(doc):
    need(doc, "tool", str, "report")
    for f in need(doc, "findings", list, "report"):
        for k in ("file", "kind", "address", "class", "message"):
            need(f, k, str, "finding")
        need(f, "vetted", bool, "finding")
        need(f, "file_offset", int, "finding")
        src = f.get("source")
        print("finding %s %s %s vetted=%s sym=%s+%d src=%s insn=%s system=%s" % (
            f["kind"], f["class"], f["address"], str(f["vetted"]).lower(), f["symbol"],
            f["symbol_offset"], "%s:%d" % (src["file"], src["line"]) if src else "-",
            "|".join(i["text"] for i in f["instructions"]), f["system"] or "-"))
    for d in need(doc, "diagnostics", list, "report"):
        print("diagnostic %s %s" % (d["level"], d["message"]))
    s = need(doc, "summary", dict, "report")
    print("summary unvetted=%d vetted=%d errors=%d system=%d" % (
        s["unvetted"], s["vetted"], s["errors"], need(s, "system", int, "summary")))


with open(sys.argv[2], encoding="utf-8") as f:
    doc = json.load(f)
(check_sarif if sys.argv[1] == "sarif" else check_json)(doc)
print("valid %s" % sys.argv[1])
