#!/bin/sh
# Builds the libFuzzer targets (coverage + AddressSanitizer) into .build/fuzz/.
#
# Each project module a target needs (AuditInput, AuditEvents, ELFLoader) is compiled once, whole
# module, with the sanitizers and -enable-testing, so the entry files can reach internal API with
# @testable import. swift-system's SystemPackage is taken as `swift build` compiled it (plain
# debug objects: it is not what is being fuzzed).
# Usage: Tests/Fuzz/build.sh [target...]   (default: every target; --list names them)
set -eu
cd "$(dirname "$0")/../.."

all_targets() { echo record_parser elf_readers stream_split explain_render event_reader; }
if [ "${1:-}" = --list ]; then all_targets | tr '\n' ' '; exit 0; fi
SWIFT=${SWIFT:-swift}
OUT=.build/fuzz
mkdir -p "$OUT/modules"

"$SWIFT" build --target SystemPackage >/dev/null
DEBUG=$("$SWIFT" build --show-bin-path)
SYSTEM_MAP=.build/checkouts/swift-system/Sources/CSystem/include
SYSTEM_OBJECTS="$DEBUG/SystemPackage.build/*.o $DEBUG/CSystem.build/shims.c.o"

FLAGS="-sanitize=fuzzer,address -O -g -parse-as-library -swift-version 6 -enable-testing
  -I $OUT/modules -I $DEBUG/Modules -Xcc -fmodule-map-file=$SYSTEM_MAP/module.modulemap -Xcc -I -Xcc $SYSTEM_MAP
  -I Sources/CAudit -I Sources/CZlib -I Sources/CLinux -I Sources/CArchive -module-cache-path $OUT/module-cache"

# module name: its sources, compiled only when one of them is newer than its object.
module() {
    name=$1
    obj="$OUT/modules/$name.o"
    if [ -f "$obj" ] && [ -z "$(find Sources/"$name" -newer "$obj" -name '*.swift')" ]; then return; fi
    echo "fuzz: compiling $name"
    # shellcheck disable=SC2086
    swiftc $FLAGS -wmo -module-name "$name" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -c Sources/"$name"/*.swift -o "$obj"
}

# target name: modules it links, in dependency order.
modules_of() {
    case $1 in
        record_parser) echo AuditInput ;;
        elf_readers) echo ELFLoader ;;
        stream_split) echo AuditInput AuditEvents ;;
        explain_render) echo AuditInput AuditEvents ELFLoader Diagnosis Rendering ;;
        event_reader) echo AuditInput AuditEvents ;;
        *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
    esac
}

# target name: the command's own files it is compiled with (the command is no module to link).
sources_of() {
    case $1 in
        event_reader) echo Sources/avc-explain/EventReader.swift Sources/avc-explain/Handoff.swift Sources/avc-explain/ReadingThread.swift ;;
    esac
}

targets=${*:-$(all_targets)}
for target in $targets; do
    objects=""
    for m in $(modules_of "$target"); do module "$m"; objects="$objects $OUT/modules/$m.o"; done
    echo "fuzz: linking $OUT/$target"
    # shellcheck disable=SC2086
    swiftc $FLAGS -module-name "fuzz_$target" Tests/Fuzz/"$target".swift $(sources_of "$target") $objects $SYSTEM_OBJECTS \
        -use-ld=lld -laudit -lz -larchive -o "$OUT/$target"
done
