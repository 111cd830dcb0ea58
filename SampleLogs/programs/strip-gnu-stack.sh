#!/bin/sh
# Turns the PT_GNU_STACK program header of an ELF file into PT_NULL, leaving an object with
# no stack marking at all, as old toolchains and some hand-made binaries produce.
# Usage: strip-gnu-stack.sh FILE   (little-endian ELF only; uses readelf and dd)
set -eu
f=$1
phoff=$(readelf -hW "$f" | awk -F: '/Start of program headers/ {print $2+0}')
phsize=$(readelf -hW "$f" | awk -F: '/Size of program headers/ {print $2+0}')
index=$(readelf -lW "$f" | awk '/^  [A-Z]/ && $1 != "Type" {i++} $1 == "GNU_STACK" {print i-1; exit}')
[ -n "$index" ] || { echo "strip-gnu-stack: $f has no PT_GNU_STACK" >&2; exit 1; }
printf '\000\000\000\000' | dd of="$f" bs=1 seek=$((phoff + index * phsize)) conv=notrunc status=none
