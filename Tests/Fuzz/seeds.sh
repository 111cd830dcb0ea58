#!/bin/sh
# Assembles the seed corpora into .build/fuzz/corpus-<target>/ (never committed): the sample logs
# and their other forms, the shared corpus when present (read in place, never copied into the
# repo), small ELF objects compiled here, this machine's ld.so.cache and ld.so.conf, and the
# hand-written seeds in Tests/Fuzz/seeds/<target>/. Corpora grow as the fuzzers run; seeds are
# only added, so a long campaign's finds stay.
set -eu
cd "$(dirname "$0")/../.."
OUT=.build/fuzz
SHARED=${SHARED_CORPUS:-../shared/corpus}
[ -d "$SHARED" ] || SHARED=/work/shared/corpus
LOGS="SampleLogs/*.log SampleLogs/forms/*"
[ -d "$SHARED" ] && LOGS="$LOGS $SHARED/*.log"

# logs_into target lines-per-seed [prefix]: every log cut into seeds of that many lines, each
# after the target's prefix bytes (printf format).
logs_into() {
    dir=$OUT/corpus-$1
    mkdir -p "$dir"
    for f in $LOGS; do
        [ -f "$f" ] || continue
        split -l "$2" -d -a 4 "$f" "$OUT/piece."
        for piece in "$OUT"/piece.*; do
            { printf "${3:-}"; cat "$piece"; } > "$dir/$(basename "$f").${piece##*.}"
            rm "$piece"
        done
    done
    if [ -d "Tests/Fuzz/seeds/$1" ]; then cp Tests/Fuzz/seeds/"$1"/* "$dir/"; fi
}
logs_into record_parser 12
# stream_split: chunks of 41 bytes, halves from 9 bytes, lines cut at 288 bytes.
logs_into stream_split 200 '\024\010\100'
# explain_render: whole events, a few dozen at a time.
logs_into explain_render 60
# event_reader: batches of 3 items or 256 bytes, a budget of 1 KiB, progress marks.
logs_into event_reader 60 '\005\040\100'

# ELF readers: the selector byte (see elf_readers.swift), then the file.
dir=$OUT/corpus-elf_readers
work=$OUT/seed-objects
mkdir -p "$dir" "$work"
printf 'int plain(int x) { return x + 1; }\nint main(void) { return plain(0); }\n' > "$work/plain.c"
cc() { gcc "$@" 2>/dev/null || echo "fuzz: gcc $* failed; seed skipped" >&2; }
cc -shared -fPIC -g -o "$work/debug.so" "$work/plain.c"
cc -shared -fPIC -o "$work/plain.so" "$work/plain.c"
cc -shared -fPIC -Wl,-z,execstack -o "$work/execstack.so" "$work/plain.c"
cc -shared -Wl,-z,notext -o "$work/textrel.so" SampleLogs/programs/textrel.s
cc -shared -g -o "$work/asm-debug.so" SampleLogs/programs/invokeNative_em64.s
cc -g -gdwarf-4 -o "$work/exe-dwarf4" "$work/plain.c"
for f in "$work"/*.so "$work"/exe-*; do
    [ -f "$f" ] || continue
    { printf '\000'; cat "$f"; } > "$dir/elf.$(basename "$f")"
    strip -o "$work/stripped" "$f" && { printf '\000'; cat "$work/stripped"; } > "$dir/elf.stripped.$(basename "$f")"
done
[ -f /etc/ld.so.cache ] && { printf '\001'; cat /etc/ld.so.cache; } > "$dir/ld.so.cache"
{
    printf '\002'
    cat /etc/ld.so.conf 2>/dev/null || printf 'include /etc/ld.so.conf.d/*.conf\n'
    for f in /etc/ld.so.conf.d/*.conf; do [ -f "$f" ] && { printf '\000'; cat "$f"; }; done
} > "$dir/ld.so.conf"
if [ -d Tests/Fuzz/seeds/elf_readers ]; then cp Tests/Fuzz/seeds/elf_readers/* "$dir/"; fi
echo "fuzz: seeds in $(for t in record_parser stream_split elf_readers explain_render event_reader; do printf '%s (%s) ' "$OUT/corpus-$t" "$(ls "$OUT/corpus-$t" | wc -l)"; done)"
