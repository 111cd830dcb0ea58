#!/bin/sh
# Installs a staged release (packaging/stage.sh) under DESTDIR with the given PREFIX:
#   PREFIX/bin/avc-explain, PREFIX/share/man/man1/avc-explain.1 (when staged), the bash, zsh and fish
#   completions where those shells look for them, and /etc/audit/plugins.d/avc-explain.conf
#   (auditd reads plugins only there, whatever the prefix).
# Usage: packaging/install.sh STAGEDIR DESTDIR PREFIX
set -eu
stage=$1 root=$2 prefix=$3
install -D -m 755 "$stage/avc-explain" "$root$prefix/bin/avc-explain"
if [ -f "$stage/avc-explain.1" ]; then
    install -D -m 644 "$stage/avc-explain.1" "$root$prefix/share/man/man1/avc-explain.1"
fi
install -D -m 644 "$stage/completions/avc-explain.bash" "$root$prefix/share/bash-completion/completions/avc-explain"
install -D -m 644 "$stage/completions/_avc-explain" "$root$prefix/share/zsh/site-functions/_avc-explain"
install -D -m 644 "$stage/completions/avc-explain.fish" "$root$prefix/share/fish/vendor_completions.d/avc-explain.fish"
install -D -m 640 "$stage/avc-explain.conf" "$root/etc/audit/plugins.d/avc-explain.conf"
