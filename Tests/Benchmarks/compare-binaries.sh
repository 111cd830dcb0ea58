#!/bin/bash
# Compares two avc-explain binaries (stdout and stderr byte for byte, exit status) over a matrix of
# inputs and options: every sample log and form in every format, several inputs at once (missing,
# empty, /dev/null, a directory, a FIFO, a refused `ausearch --format csv`, gzip'd, a gzip cut
# short, binary junk, an sosreport directory and tarball), inputs out of order, standard input
# piped and redirected, the filters, and the bench logs in $BENCH when generated (`make bench`).
# Prints each difference and the counts; exits 1 if any.
# Usage: Tests/Benchmarks/compare-binaries.sh OLD NEW [SYSROOT]   (SYSROOT: SampleLogs/build-sysroot.sh's)
set -u
REF=$(realpath "$1") NEW=$(realpath "$2") ROOT=${3:+$(realpath "$3")}
S=$(realpath "$(dirname "$0")/../../SampleLogs")
BENCH=$(realpath -m "${BENCH:-$(dirname "$0")/../../.build/bench}")
W=$(mktemp -d)
pass=0 fail=0
cd "$W"
# Fixtures.
: > empty.log
printf 'type=AVC msg=audit(1.1:1): avc:  denied\n' > partial.log
cp $S/seed-fluent-bit.log seed.log; gzip -k seed.log
cp $S/textrel.log tr.log; gzip -c tr.log | head -c 400 > truncated.log.gz
{ head -c 3000 $S/jit-pcre2.log; printf '\xff\xfe\x00junk\n'; tail -c 2000 $S/jit-pcre2.log; } > binaryish.log
mkdir -p dirinput; cp $S/heap-exec.log dirinput/audit.log; cp $S/jit-anonymous.log dirinput/audit.log.1; gzip -c $S/textrel.log > dirinput/audit.log.2.gz
mkdir -p sos/var/log/audit sos/sos_commands/kernel; cp $S/chain-permissive.log sos/var/log/audit/audit.log
echo "6.1.0-test" > sos/sos_commands/kernel/uname_-a; printf 'Red Hat Enterprise Linux release 9.4\n' > sos/etc-redhat-release 2>/dev/null
tar -czf sos.tar.gz sos; tar -cJf sosreport-host-2026.tar.xz sos 2>/dev/null
ln -sf $S/thread-stacks.log link.log
# Some inputs are made per run (FIFOs).
run() { # name, then the command line after the binary; STDIN env var: file to redirect, PIPE: file to pipe
  local name=$1; shift
  for b in ref new; do
    local bin=$REF; [ $b = new ] && bin=$NEW
    rm -f fifo; mkfifo fifo; cat $S/jit-pcre2.log > fifo 2>/dev/null & local writer=$!
    if [ -n "${PIPE:-}" ]; then cat $PIPE | $bin "$@" > $b.out 2> $b.err; echo $? > $b.rc
    elif [ -n "${STDIN:-}" ]; then $bin "$@" < $STDIN > $b.out 2> $b.err; echo $? > $b.rc
    else $bin "$@" < /dev/null > $b.out 2> $b.err; echo $? > $b.rc; fi
    kill $writer 2>/dev/null; wait $writer 2>/dev/null   # a writer nobody read from
  done
  if cmp -s ref.out new.out && cmp -s ref.err new.err && cmp -s ref.rc new.rc; then pass=$((pass+1))
  else fail=$((fail+1)); echo "DIFF: $name: $*"; diff ref.err new.err | head -5; cmp ref.out new.out; echo "rc $(cat ref.rc) $(cat new.rc)"; fi
}
SR=(); [ -n "$ROOT" ] && SR=(--sysroot "$ROOT")
for f in $S/*.log $S/forms/*; do
  for fmt in text json summary markdown; do run "sample $fmt" "${SR[@]}" --format $fmt "$f"; done
done
run "all samples" "${SR[@]}" $S/*.log
run "all forms" "${SR[@]}" $S/forms/*
run "all, reversed" "${SR[@]}" $(ls -r $S/*.log $S/forms/*)
run "all json" "${SR[@]}" --format json $S/*.log $S/forms/*
run "mixed bad" "${SR[@]}" missing.log $S/heap-exec.log empty.log /dev/null dirinput $S/forms/seed.ausearch-csv.log seed.log.gz truncated.log.gz partial.log binaryish.log link.log
run "mixed bad json" "${SR[@]}" --format json missing.log empty.log /dev/null $S/forms/seed.ausearch-csv.log truncated.log.gz $S/jit-pcre2.log
run "fifo alone" "${SR[@]}" fifo
run "directory as file" "${SR[@]}" $S
run "directory /" "${SR[@]}" /proc/self/fd/0 /etc
run "--input dir" "${SR[@]}" --input dirinput --input $S/textrel.log
run "csv alone" "${SR[@]}" $S/forms/seed.ausearch-csv.log
run "empty alone" "${SR[@]}" empty.log
run "devnull alone" "${SR[@]}" /dev/null
run "missing alone" "${SR[@]}" missing.log
run "gz" "${SR[@]}" seed.log.gz
run "truncated gz" "${SR[@]}" truncated.log.gz $S/heap-exec.log
run "sos dir" "${SR[@]}" --sosreport sos
run "sos tar" "${SR[@]}" --sosreport sos.tar.gz
run "sos tar.xz" "${SR[@]}" sosreport-host-2026.tar.xz $S/heap-exec.log
run "sos node" "${SR[@]}" --sosreport node1=sos $S/forms/seed.ausearch-raw.log
run "same file twice" "${SR[@]}" $S/heap-exec.log $S/heap-exec.log
PIPE=$S/jit-anonymous.log run "stdin pipe" "${SR[@]}"
PIPE=$S/jit-anonymous.log run "stdin pipe -" "${SR[@]}" - $S/heap-exec.log
STDIN=$S/jit-anonymous.log run "stdin file" "${SR[@]}"
STDIN=seed.log.gz run "stdin gz file" "${SR[@]}" -
PIPE=seed.log.gz run "stdin gz pipe" "${SR[@]}" -
PIPE=$S/forms/seed.ausearch-csv.log run "stdin csv" "${SR[@]}" --input -
STDIN=empty.log run "stdin empty" "${SR[@]}"
for opt in "--since 2026-01-01" "--until 2000-01-01" "--since @0 --until @9999999999" "--since today" "--node nodeA" "--perm execmem" "--perm execstack" "-p 1" "-c flb-tail" "-x /opt/vendor/bin/vendor-tool" "--by-node --format summary" "--perm execmod --format json"; do
  run "filter $opt" "${SR[@]}" $opt $S/*.log $S/forms/*
done
if [ -f "$BENCH/small.log" ]; then
  for f in small.log longline.log unfinished.log forms-syslog.log forms-random.log random.log programs-1000.log; do
    run "bench $f" "$BENCH/$f"
  done
  run "bench several" "$BENCH/small.log" "$BENCH/forms-random.log" missing.log "$BENCH/unfinished.log"
fi
echo "pass=$pass fail=$fail"
rm -rf "$W"
[ "$fail" = 0 ]
