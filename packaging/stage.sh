#!/bin/sh
# Gathers what a release ships into one flat directory, the tarball's layout:
#   avc-explain  man/*.1 (avc-explain.1, avc-explain-check.1)  avc-explain.conf  README.md  LICENSE
#   completions/avc-explain.bash  completions/_avc-explain  completions/avc-explain.fish
#   schema/*.schema.json (the JSON output's schemas)
# The completions are the committed ones (a test keeps them equal to what the binary generates).
# The auditd plugin conf gets PLUGIN_PATH as its `path`.
# Usage: packaging/stage.sh BINARY OUTDIR PLUGIN_PATH
set -eu
cd "$(dirname "$0")/.."
bin=$1 out=$2 plugin_path=$3
rm -rf "$out"
mkdir -p "$out/completions" "$out/man" "$out/schema"
install -m 755 "$bin" "$out/avc-explain"
install -m 644 man/*.1 "$out/man/"
install -m 644 schema/*.schema.json "$out/schema/"
install -m 644 completions/avc-explain.bash completions/_avc-explain completions/avc-explain.fish "$out/completions/"
sed "s|^path = .*|path = $plugin_path|" contrib/avc-explain.conf > "$out/avc-explain.conf"
grep -qx "path = $plugin_path" "$out/avc-explain.conf"
install -m 644 README.md LICENSE "$out/"
