#!/usr/bin/env bash
# The image's base: a distroless-style root file system from Debian's own
# packages, written as a tar archive to $1 (bin/image.ts imports it).
#
# debootstrap makes a minimal Debian in a scratch folder (so the packages'
# own scripts run: the CA bundle is generated, the time zones installed);
# then only the files of the packages the Node.js binary needs are copied
# out: glibc, libgcc, libstdc++, the CA certificates, tzdata, netbase, the
# os-release of base-files. No shell, no coreutils, no dpkg or apt: a process
# in the image can run node and nothing else. The users are distroless's:
# root, nobody, and nonroot (65532), whom the image runs as.
#
# This file is the base's definition: bin/image.ts tags the base with a hash
# of it and builds it again only when it changes.
set -euo pipefail

out=${1:?usage: base.sh <archive.tar> [<folder keeping the downloaded .deb files>]}
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${2:-/var/cache/hd4res-image/debs}
packages=(libc6 libgcc-s1 libstdc++6 ca-certificates tzdata netbase base-files)

for tool in debootstrap tar; do
  command -v "$tool" >/dev/null || { echo "base.sh needs $tool: apt-get install -y --no-install-recommends debootstrap" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "base.sh runs as root (debootstrap chroots)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/hd4res-base.XXXXXX)
trap 'umount -R "$work/build/proc" "$work/build/sys" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$cache"

echo "base: debootstrap $suite from $mirror (packages cached in $cache)"
debootstrap --variant=minbase --include=ca-certificates,tzdata,netbase,libstdc++6 \
  --cache-dir="$cache" "$suite" "$work/build" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -30 "$work/debootstrap.log" >&2; exit 1; }

build=$work/build
root=$work/root
mkdir -p "$root"
# Merged /usr, as Debian has it: /lib/x86_64-linux-gnu/libc.so.6 is /usr/lib/x86_64-linux-gnu/libc.so.6.
for link in bin sbin lib lib64; do mkdir -p "$root/usr/$link" && ln -s "usr/$link" "$root/$link"; done

# The packages' files, less their programs, manuals, translations and iconv modules
# (node carries its own ICU); copyright notices stay.
for package in "${packages[@]}"; do
  list=$build/var/lib/dpkg/info/$package:amd64.list
  [ -f "$list" ] || list=$build/var/lib/dpkg/info/$package.list
  [ -f "$list" ] || { echo "base: $package is not installed in the scratch system" >&2; exit 1; }
  sed -E 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' "$list"
done | grep -Ev '^/usr/(s?bin|libexec|games)/|^/usr/share/(man|info|locale|lintian|bug|bash-completion|base-files|ca-certificates)/|^/usr/share/doc/[^/]+/(changelog|NEWS|README|FAQ|examples)|/gconv/|^/etc/(update-motd.d|profile|dpkg|issue|default)|^/usr/lib/x86_64-linux-gnu/(audit|libmemusage|libpcprofile)' |
  while read -r file; do [ -d "$build$file" ] && [ ! -L "$build$file" ] || printf '%s\n' "${file#/}"; done |
  sort -u >"$work/files"
tar -C "$build" --no-recursion -cf - -T "$work/files" | tar -C "$root" --keep-directory-symlink -xf -

# What the packages' scripts made: the CA bundle, and UTC as local time.
install -D -m 0644 "$build/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/ca-certificates.crt"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
echo 'Etc/UTC' >"$root/etc/timezone"

# The users and groups, as distroless names them.
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
: >"$root/etc/resolv.conf"

mkdir -p "$root"/{proc,sys,dev,run,tmp,var/tmp,usr/local/bin,root,home/nonroot}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root" "$root/home/nonroot"
chown 65532:65532 "$root/home/nonroot"
ldconfig -r "$root" 2>/dev/null || true

# Fixed owners, order and times, so the same packages give the same archive.
tar -C "$root" --sort=name --numeric-owner --mtime='2025-01-01 00:00Z' -cf "$out" .
echo "base: $(du -sh "$root" | cut -f1) in $(wc -l <"$work/files") files from ${packages[*]}"
