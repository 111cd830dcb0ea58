#!/usr/bin/env python3
"""Re-derives SampleLogs/forms/ from SampleLogs/seed-fluent-bit.log (the kernel's records):
the seed's execmem event in every shape a ticket brings it. Run by `make vm-samples`.
ausearch's own outputs come from ausearch; journald, printk, syslog and the pasted forms
follow systemd's journald-audit.c and the kernel's audit_printk_skb()."""
import json, os, re, subprocess, textwrap, time

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
logs = os.path.join(top, "SampleLogs")
forms = os.path.join(logs, "forms")
seed = os.path.join(logs, "seed-fluent-bit.log")
NUM = {"AVC": 1400, "SYSCALL": 1300, "PROCTITLE": 1327, "EOE": 1320, "MAC_CONFIG_CHANGE": 1405}

records = open(seed).read().splitlines()
stamp = re.compile(r"type=(\S+) msg=audit\((\d+)\.(\d+):(\d+)\): ?(.*)")
# The seed case proper: the last event with an AVC (execmem on the loader's stack mprotect).
last = [stamp.match(l).group(4) for l in records if l.startswith("type=AVC")][-1]
event = [stamp.match(l).groups() for l in records if stamp.match(l).group(4) == last]

def write(name, lines, end="\n"):
    with open(os.path.join(forms, name), "w") as f:
        f.write(end.join(lines) + end)

def ausearch(*args, env=None):
    return subprocess.run(["ausearch", "-if", seed, *args], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {}))).stdout

syslog = lambda sec: time.strftime("%b %d %H:%M:%S", time.gmtime(int(sec)))
pid = re.search(r"pid=(\d+)", next(b for t, s, m, n, b in event if t == "AVC")).group(1)

open(os.path.join(forms, "seed.ausearch-raw.log"), "w").write(ausearch("--raw"))
open(os.path.join(forms, "seed.ausearch-default.log"), "w").write(ausearch(env={"TZ": "UTC", "LC_ALL": "C"}))
open(os.path.join(forms, "seed.ausearch-i.log"), "w").write(ausearch("-i", env={"TZ": "UTC", "LC_ALL": "C"}))
open(os.path.join(forms, "seed.ausearch-csv.log"), "w").write(ausearch("--format", "csv"))
open(os.path.join(forms, "seed.ausearch-text.log"), "w").write(ausearch("--format", "text"))
chain = os.path.join(logs, "chain-permissive.log")
open(os.path.join(forms, "chain.ausearch-i.log"), "w").write(subprocess.run(
    ["ausearch", "-if", chain, "-i"], capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C")).stdout)

kept = [(t, s, m, n, b) for t, s, m, n, b in event if t != "EOE"]
write("seed.journal-short.log", [f"{syslog(s)} web01 audit[{pid}]: {t} {b}" for t, s, m, n, b in kept])
write("seed.journal.json", [json.dumps({
    "__REALTIME_TIMESTAMP": str(int(s) * 1000000 + int(m) * 1000 + 17), "_TRANSPORT": "audit", "_HOSTNAME": "web01",
    "SYSLOG_IDENTIFIER": "audit", "_AUDIT_TYPE": str(NUM[t]), "_AUDIT_TYPE_NAME": t, "_AUDIT_ID": n, "_PID": pid,
    "_SOURCE_REALTIME_TIMESTAMP": str(int(s) * 1000000 + int(m) * 1000), "MESSAGE": f"{t} {b}"}) for t, s, m, n, b in kept])
write("seed.dmesg.log", [f"[  812.{345678 + i * 12:06d}] audit: type={NUM[t]} audit({s}.{m}:{n}): {b}" for i, (t, s, m, n, b) in enumerate(kept)])
write("seed.syslog.log", [f"{syslog(s)} web01 kernel: [  812.{345678 + i * 12:06d}] audit: type={NUM[t]} audit({s}.{m}:{n}): {b}"
                          for i, (t, s, m, n, b) in enumerate(kept)])
raw = [l for l in records if stamp.match(l).group(4) == last]
pasted = ["Hi support,", "our service will not start since we turned on deny_execmem. The audit log says:", ""]
for l in raw:
    pasted += ["> " + w for w in textwrap.wrap(l, 70, break_long_words=True, break_on_hyphens=False)]
write("seed.pasted-ticket.txt", pasted + ["", "Thanks, Alice"], end="\r\n")
tail = '^]ARCH=x86_64 SYSCALL=mprotect AUID="unset" UID="root" GID="root" EUID="root" SUID="root" FSUID="root" EGID="root" SGID="root" FSGID="root"'
write("seed.enriched-pasted.log", ["node=web01 " + l + (tail if l.startswith("type=SYSCALL") else "") for l in raw])
