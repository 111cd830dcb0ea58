#!/usr/bin/env python3
"""The flood scenario's figures, from the files Tests/VM/run.sh extracted into OUTDIR: the
denials of flood-rwx the floor reader received, and how many of them `avc-explain --live` and
`--plugin` (fed by auditd) kept, with lost messages and serial gaps. Usage: flood-figures.py OUTDIR"""
import json
import sys

out = sys.argv[1]


def final(path, exe="/usr/local/bin/flood-rwx"):
    """The denials of the flood's findings (their last counts, summed: a denial folded into a
    second finding was still kept), how many findings that was, and the summary."""
    counts, summary = {}, {}
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        if r["type"] in ("finding", "update") and r["finding"]["process"].get("exe") == exe:
            counts[r["number"]] = r["finding"]["count"]
        elif r["type"] == "summary":
            summary = r
    return sum(counts.values()), len(counts), summary


floor = dict(kv.split("=") for kv in open(f"{out}/flood-floor.txt").read().split())
live, live_findings, live_summary = final(f"{out}/flood-live.jsonl")
plugin, plugin_findings, plugin_summary = final(f"{out}/flood-plugin.jsonl")
named = int(floor["named"])
netlink = live_summary.get("netlink", {})
pct = lambda n: f"{100 * n / named:.1f}%" if named else "-"
print(f"vm flood: floor reader (256 MB SO_RCVBUFFORCE): {floor['records']} records, {named} flood-rwx AVCs, "
      f"{floor['enobufs']} ENOBUFS, {floor['gaps']} serial gaps")
print(f"vm flood: --live:   {live} of {named} denials kept ({pct(live)}) in {live_findings} finding(s), {live_summary.get('lost', '?')} ENOBUFS, "
      f"{live_summary.get('serial_gaps', '?')} serial gaps; receive buffer {netlink.get('receive_buffer', '?')} bytes "
      f"(forced: {netlink.get('receive_buffer_forced', '?')}), queue peak {netlink.get('queue_peak_bytes', '?')} bytes, "
      f"queue full {netlink.get('queue_full', '?')} times")
print(f"vm flood: --plugin: {plugin} of {named} denials kept ({pct(plugin)}) in {plugin_findings} finding(s) (fed by auditd, q_depth 2000)")
print(f"FLOOD floor={named} live={live} plugin={plugin} live_lost={live_summary.get('lost', -1)} "
      f"live_gaps={live_summary.get('serial_gaps', -1)} floor_enobufs={floor['enobufs']} floor_gaps={floor['gaps']}")
