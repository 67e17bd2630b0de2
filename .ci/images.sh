#!/usr/bin/env bash
# Builds the real-registry test images (images/build.sh) on a machine with Docker and no registry to pull from.
# Installs what the build needs (Debian's docker-registry package for Distribution 2.8.2), then runs the cached build
# twice: the first pass builds what is missing or changed (cold on a fresh machine), the second must find everything
# cached (warm). Both times are printed. Without Docker it says so and exits 0; the container tests then skip, except
# under CI=true where they fail (see harness/src/real).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "== images: Docker not available; real-registry images not built (container tests will skip or, with CI=true, fail)"
    exit 0
fi

if [ ! -x /usr/bin/docker-registry ]; then
    echo "== images: installing Debian's docker-registry (CNCF Distribution 2.8.2)"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
fi

export DOCKER_BUILDKIT=0
ms() { date +%s%3N; }
secs() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
start=$(ms)
bash images/build.sh
mid=$(ms)
bash images/build.sh
end=$(ms)
echo "== images: first pass $(secs $((mid - start))), second (cached) pass $(secs $((end - mid)))"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^oci-referrers/' || true
