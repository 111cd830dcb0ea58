#!/bin/sh
# Installs a staged release (packaging/stage.sh) under DESTDIR with the given PREFIX:
#   PREFIX/bin/avc-explain, the man pages in PREFIX/share/man/man1, the JSON schemas in
#   PREFIX/share/avc-explain/schema, the bash, zsh and fish completions where those shells look
#   for them, and /etc/audit/plugins.d/avc-explain.conf
#   (auditd reads plugins only there, whatever the prefix).
# Usage: packaging/install.sh STAGEDIR DESTDIR PREFIX
set -eu
stage=$1 root=$2 prefix=$3
install -D -m 755 "$stage/avc-explain" "$root$prefix/bin/avc-explain"
for page in "$stage"/man/*.1; do install -D -m 644 "$page" "$root$prefix/share/man/man1/${page##*/}"; done
for schema in "$stage"/schema/*.json; do install -D -m 644 "$schema" "$root$prefix/share/avc-explain/schema/${schema##*/}"; done
install -D -m 644 "$stage/completions/avc-explain.bash" "$root$prefix/share/bash-completion/completions/avc-explain"
install -D -m 644 "$stage/completions/_avc-explain" "$root$prefix/share/zsh/site-functions/_avc-explain"
install -D -m 644 "$stage/completions/avc-explain.fish" "$root$prefix/share/fish/vendor_completions.d/avc-explain.fish"
install -D -m 640 "$stage/avc-explain.conf" "$root/etc/audit/plugins.d/avc-explain.conf"
