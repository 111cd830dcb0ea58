#!/bin/sh
# Installs the Debian packages a make target needs, only those missing. Where apt is not there
# (Fedora, RHEL), names the packages to install instead and goes on: a missing one fails later,
# in the step that needs it.
# Usage: packaging/deps.sh DEBIAN-PACKAGE...
set -eu
# The Fedora/RHEL (dnf) name of a Debian package.
dnf_name() {
    case $1 in
        libaudit-dev|libauparse-dev) echo audit-libs-devel ;;
        libcap-ng-dev) echo libcap-ng-devel ;;
        zlib1g-dev) echo "zlib-devel zlib-static" ;;
        libc6-dev) echo "glibc-devel glibc-static" ;;
        pkg-config) echo pkgconf-pkg-config ;;
        auditd) echo audit ;;
        xz-utils) echo xz ;;
        rpm) echo rpm-build ;;
        busybox-static) echo busybox ;;
        *) echo "$1" ;;
    esac
}
if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    names=""; for p in "$@"; do names="$names $(dnf_name "$p")"; done
    echo "make: apt-get not found; install these yourself (Fedora/RHEL: dnf install$names)" >&2
    exit 0
fi
missing=""
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -n "$missing" ] || exit 0
echo "make: installing$missing"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
# shellcheck disable=SC2086
$sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
