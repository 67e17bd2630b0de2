#!/usr/bin/env bash
# Builds the project's real-registry test images locally, FROM scratch, with no registry to pull from.
#
#   images/build.sh [--force] [NAME ...]   (NAME: a folder of images/ with a recipe; no name: all of them)
#
# Each image is a binary plus the shared libraries `ldd` lists (and the few /etc files it needs), staged into a
# temporary build context and built with `docker build`. No Dockerfile has a `# syntax=` line: that would make
# BuildKit pull a frontend image.
#
# Caching: every image carries the label `io.oci-referrers-compat.inputs` = sha256 over its inputs (Dockerfile,
# config files, the staged binary and libraries, the pinned version). A build whose inputs hash matches the label of
# the existing image is skipped, so a second run costs a few hashes. ferro-oci-server's binary is compiled once with
# `cargo install --locked` into ~/.cache/oci-referrers-compat/ (outside the work tree, so fresh clones on one
# machine share it; OCI_REFERRERS_CACHE overrides), which cargo itself skips when already installed.
#
# Prerequisites: docker; for distribution the Debian package `docker-registry` (2.8.2) installed
# (.ci/images.sh installs it); for ferro-oci-server cargo and crates.io access on the first build.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
BUILD_DIR="$HERE/.build"
CACHE_DIR="${OCI_REFERRERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oci-referrers-compat}"
LABEL_INPUTS="io.oci-referrers-compat.inputs"


log() { printf '[images] %s\n' "$*" >&2; }

# stage_binary BIN ROOTFS DEST: copy BIN to ROOTFS/DEST and every shared library `ldd` lists (with the dynamic
# loader) into ROOTFS at the same absolute paths, following symlinks so the image holds real files.
stage_binary() {
    local bin="$1" rootfs="$2" dest="$3" lib
    install -D -m 0755 "$bin" "$rootfs$dest"
    # ldd lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    while read -r lib; do
        [ -n "$lib" ] || continue
        install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
    done < <(ldd "$bin" | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }')
}

# minimal /etc for a scratch image: users, groups, name resolution order, hosts.
stage_etc() {
    local rootfs="$1"
    mkdir -p "$rootfs/etc" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"
    printf 'root:x:0:0:root:/:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
}

# inputs_hash DIR: one sha256 over every file's path, mode and content under DIR (sorted, deterministic).
inputs_hash() {
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum && \
        find . -print0 | LC_ALL=C sort -z | xargs -0 -r stat -c '%n %a') | sha256sum | cut -d' ' -f1
}

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$LABEL_INPUTS\" }}" "$1" 2>/dev/null || true
}

# build_context IMAGE CONTEXT VERSION: docker build unless the existing image carries the same inputs hash.
build_context() {
    local image="$1" ctx="$2" version="$3" hash
    hash="$(inputs_hash "$ctx")"
    if [ "$FORCE" != 1 ] && [ "$(image_label "$image")" = "$hash" ]; then
        log "$image is up to date (inputs $hash)"
        return 0
    fi
    log "building $image (inputs $hash)"
    # DOCKER_BUILDKIT=0: the classic builder needs nothing from a registry for FROM scratch.
    # (its output, including the classic builder's deprecation notice, is shown only when the build fails)
    local out
    if ! out="$(DOCKER_BUILDKIT=0 docker build --quiet \
        --label "$LABEL_INPUTS=$hash" \
        --label "org.opencontainers.image.version=$version" \
        --label "io.oci-referrers-compat.built-by=images/build.sh" \
        -t "$image" "$ctx" 2>&1)"; then
        printf '%s\n' "$out" >&2
        log "error: docker build of $image failed"
        return 1
    fi
    log "built $image"
}

# A recipe is images/<name>/recipe (bash assignments: IMAGE, VERSION, SOURCE=deb|crate, DEB_PACKAGE or CRATE and
# CRATE_FEATURES, BIN, DEST, FILES, DIRS) beside images/<name>/Dockerfile. Every folder with a recipe is an image.
recipe_names() {
    local d
    for d in "$HERE"/*/; do
        [ -f "$d/recipe" ] && basename "$d"
    done
}

# binary_from_deb: the recipe's BIN, installed by its Debian package; prints the package version.
binary_from_deb() {
    if [ ! -x "$BIN" ]; then
        log "error: $BIN missing: apt-get install $DEB_PACKAGE (Debian package, $VERSION; .ci/images.sh installs it)"
        return 1
    fi
    local installed
    installed="$(dpkg-query -W -f '${Version}' "$DEB_PACKAGE" 2>/dev/null || echo unknown)"
    case "$installed" in
    "$VERSION"*) ;;
    *) log "warning: $DEB_PACKAGE package is $installed, expected $VERSION" ;;
    esac
    STAGED_BIN="$BIN"
    LABEL_VERSION="$installed"
}

# binary_from_crate: `cargo install CRATE --version =VERSION --locked [--features ...]` into the cache (outside the
# work tree, so fresh clones on one machine share it; cargo skips it when already installed).
binary_from_crate() {
    local root="$CACHE_DIR/$CRATE-$VERSION" features=()
    [ -z "$CRATE_FEATURES" ] || features=(--features "$CRATE_FEATURES")
    STAGED_BIN="$root/bin/$BIN"
    LABEL_VERSION="$VERSION"
    if [ ! -x "$STAGED_BIN" ]; then
        log "compiling $CRATE $VERSION (cargo install --locked, release)"
        local start=$SECONDS
        mkdir -p "$CACHE_DIR"
        CARGO_TARGET_DIR="$BUILD_DIR/$CRATE-target" cargo install "$CRATE" \
            --version "=$VERSION" --locked --quiet --root "$root" "${features[@]}"
        log "compiled $CRATE in $((SECONDS - start))s"
        rm -rf "$BUILD_DIR/$CRATE-target"
    fi
}

# build_recipe NAME: stage images/NAME's binary, libraries, files and folders into a build context and build it.
build_recipe() {
    local name="$1" dir="$HERE/$1" ctx pair
    (
        IMAGE="" VERSION="" SOURCE="" DEB_PACKAGE="" CRATE="" CRATE_FEATURES="" BIN="" DEST="" FILES="" DIRS=""
        # shellcheck source=/dev/null
        . "$dir/recipe"
        case "$SOURCE" in
        deb) binary_from_deb ;;
        crate) binary_from_crate ;;
        *) log "error: $dir/recipe: SOURCE must be deb or crate, not '$SOURCE'"; exit 1 ;;
        esac
        ctx="$(mktemp -d)"
        trap 'rm -rf "$ctx"' EXIT
        cp "$dir/Dockerfile" "$ctx/Dockerfile"
        stage_etc "$ctx/rootfs"
        stage_binary "$STAGED_BIN" "$ctx/rootfs" "$DEST"
        for pair in $FILES; do
            install -D -m 0644 "$dir/${pair%%:*}" "$ctx/rootfs${pair#*:}"
        done
        for pair in $DIRS; do
            mkdir -p "$ctx/rootfs$pair"
        done
        build_context "$IMAGE:$VERSION" "$ctx" "$LABEL_VERSION"
    )
}

FORCE=0
names=()
known="$(recipe_names | tr '\n' ' ')"
for arg in "$@"; do
    case "$arg" in
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) log "unknown argument: $arg"; exit 2 ;;
    *)
        case " $known" in
        *" $arg "*) names+=("$arg") ;;
        *) log "unknown image: $arg (images with a recipe: $known)"; exit 2 ;;
        esac
        ;;
    esac
done
[ "${#names[@]}" -gt 0 ] || read -r -a names <<<"$known"

command -v docker >/dev/null || { log "error: docker not found"; exit 1; }
for name in "${names[@]}"; do
    build_recipe "$name"
done
