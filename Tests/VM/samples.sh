#!/bin/sh
# `make vm-samples`: regenerates SampleLogs/*.log from a run of the real-kernel test, so the
# bundled samples are the kernel's own records (see SampleLogs/README.md).
# Usage: Tests/VM/samples.sh [AVC_EXPLAIN_BINARY]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/.build/vm-samples
"$here/run.sh" "$out" "${1:-$top/.build/debug/avc-explain}"
raw=$out/raw.log

# pick FILE COMMS [EXTRA_TYPE]: every record of the events whose AVC or SYSCALL names one of
# the commands (a regular expression), plus events of EXTRA_TYPE, in the kernel's order.
pick() {
    awk -v comms="$2" -v extra="${3:-}" '
        function id(line) { return match(line, /msg=audit\([0-9.:]+\)/) ? substr(line, RSTART, RLENGTH) : "" }
        NR == FNR {
            if ($0 ~ ("comm=\"(" comms ")\"")) keep[id($0)] = 1
            if (extra != "" && $0 ~ ("^type=" extra " ")) keep[id($0)] = 1
            next
        }
        keep[id($0)]' "$raw" "$raw" > "$top/SampleLogs/$1"
    echo "samples: SampleLogs/$1: $(grep -c 'type=AVC' "$top/SampleLogs/$1") AVC records"
}

pick seed-fluent-bit.log "flb-tail" MAC_CONFIG_CHANGE
pick chain-permissive.log "chain-app"
pick thread-stacks.log "legacy-daemon|old-toolchain-d"
pick jit-pcre2.log "log-filter"
pick jit-anonymous.log "jit-rwx|jit-flip"
pick heap-exec.log "heap-jit"
pick textrel.log "vendor-tool"
pick read-implies-exec.log "legacy-reader32"
pick dlopen-plugin.log "plugin-host"
# The plugin's own error line, as a ticket would carry it beside the audit records.
cat "$out/app-errors.log" >> "$top/SampleLogs/dlopen-plugin.log"
