# Sourced by .ci/run (set -euo pipefail): a Docker engine and a base image for the container tests.
# CI has no engine running and reaches no image registry, only the Debian and Python package
# registries: install the engine from Debian if needed, start it, and build the base image from
# Debian packages (docker/base-image.sh). Exports what the container tests read.

_mg_engine_up() { docker info >/dev/null 2>&1; }

if ! _mg_engine_up; then
    _mg_missing=""
    command -v dockerd >/dev/null 2>&1 || _mg_missing="docker.io"
    command -v docker >/dev/null 2>&1 || _mg_missing="docker.io"
    if [ -z "${BASE_IMAGE:-}" ] && ! command -v debootstrap >/dev/null 2>&1; then
        _mg_missing="$_mg_missing debootstrap"
    fi
    if [ -n "$_mg_missing" ]; then
        echo "== 10-docker: installing $_mg_missing"
        apt-get update -qq
        # shellcheck disable=SC2086  # a word list on purpose
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_mg_missing >/dev/null
    fi
    echo "== 10-docker: starting dockerd (log: /var/log/modelgate-dockerd.log)"
    nohup dockerd >/var/log/modelgate-dockerd.log 2>&1 </dev/null &
    for _mg_i in $(seq 1 60); do
        _mg_engine_up && break
        sleep 1
    done
    if ! _mg_engine_up; then
        tail -n 30 /var/log/modelgate-dockerd.log >&2 || true
        echo "== 10-docker: dockerd did not answer within 60 s" >&2
        exit 1
    fi
fi
echo "== 10-docker: engine $(docker version --format '{{.Server.Version}}') answers"

if [ -z "${BASE_IMAGE:-}" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    BASE_IMAGE="modelgate-base:bookworm"
    bash docker/base-image.sh "$BASE_IMAGE"
fi
export BASE_IMAGE
export TESTCONTAINERS_RYUK_DISABLED=true
export MODELGATE_REQUIRE_DOCKER=1
