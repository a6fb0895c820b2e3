#!/bin/sh
# Builds a minimal Debian bookworm root filesystem in $1 for `docker import`, standing in for the
# upstream debian:bookworm-slim image (no registry is reachable from Stagecraft machines).
#
# Usage: rootfs.sh DIR [MIRROR]   (as root; needs the debootstrap package)
#
# Why the slimming below: the upstream "slim" variant drops docs, man pages and locales and keeps
# apt's caches empty; learners compare image sizes, so ours should be of the same order (~75 MB).
set -eu

dir=${1:?usage: rootfs.sh DIR [MIRROR]}
mirror=${2:-http://deb.debian.org/debian}

debootstrap --variant=minbase bookworm "$dir" "$mirror"

# Same sources as the upstream image: security fixes and point-release updates too.
cat > "$dir/etc/apt/sources.list" <<SOURCES
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES

# Keep later `apt-get install` layers slim, as upstream slim images do.
cat > "$dir/etc/dpkg/dpkg.cfg.d/stagecraft-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
DPKG
cat > "$dir/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
cat > "$dir/etc/apt/apt.conf.d/docker-no-languages" <<'APT'
Acquire::Languages "none";
APT
# Trusted image builds run apt in CI on fresh machines: ride out a flaky mirror instead of failing.
cat > "$dir/etc/apt/apt.conf.d/stagecraft-retries" <<'APT'
Acquire::Retries "3";
APT

# Remove what the exclusions above would have kept out, plus debootstrap's leftovers.
find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$dir/usr/share/man/"* "$dir/usr/share/info/"* "$dir/usr/share/lintian/"*
find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/cache/apt/"*.bin "$dir/var/lib/apt/lists/"*
rm -rf "$dir/var/log/"* "$dir/tmp/"* "$dir/var/tmp/"* "$dir/debootstrap"
# Docker provides /dev, /etc/hostname, /etc/hosts and /etc/resolv.conf at run time.
rm -rf "$dir/dev/"*
: > "$dir/etc/hostname"
: > "$dir/etc/resolv.conf"
