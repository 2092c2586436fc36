#!/usr/bin/env bash
# Build a Debian bookworm base image with python3 and python3-venv from Debian packages alone, for
# build agents that can reach the Debian archive but no container registry:
#
#     docker/base-image.sh [TAG]        # default modelgate-base:bookworm; then
#     BASE_IMAGE=modelgate-base:bookworm docker/build.sh
#
# An existing TAG is reused (debootstrap takes a minute). Needs root, debootstrap and a Docker engine.
# DEBIAN_SUITE (default bookworm) and DEBIAN_MIRROR (default: debootstrap's own) choose what is fetched.
set -euo pipefail

tag="${1:-modelgate-base:bookworm}"
suite="${DEBIAN_SUITE:-bookworm}"
mirror=(${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"})

die() { echo "docker/base-image.sh: $*" >&2; exit 2; }

command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd, or set DOCKER_HOST)"
if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "docker/base-image.sh: reusing $tag"
    exit 0
fi
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
[ "$(id -u)" = 0 ] || die "debootstrap needs root"

rootfs="$(mktemp -d /tmp/modelgate-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "docker/base-image.sh: debootstrap $suite into $rootfs (about a minute)"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates "$suite" "$rootfs" "${mirror[@]}" \
    >"$rootfs.log" 2>&1 || { tail -n 20 "$rootfs.log" >&2; die "debootstrap failed (full log: $rootfs.log)"; }
rm -f "$rootfs.log"
# The package cache and lists are only needed to install more; they would double the image.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    - "$tag" >/dev/null
echo "docker/base-image.sh: built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
