#!/usr/bin/env bash
# Build the scoring service images:  docker/build.sh [TAG] [MODEL_DIR]   (default modelgate:latest, model/bundled)
#
#   TAG        the serving image (Dockerfile target `serve`): modelgate serve and selftest only; for the cluster.
#   TAG-full   the full image (target `full`): the same plus the batch extra, for `modelgate score` and the
#              other batch commands in a container. TARGETS="serve" (or "full") builds only one of them.
#
# MODEL_DIR is the model folder the image ships (it carries its contract: nothing else of the repository goes in).
#
# 1. trains model/bundled from data/weight_data.csv under features/ if it is the folder and there is no model yet;
# 2. prepares docker/wheelhouse on this host with pip and constraints.txt, so the build itself needs
#    no network (agents behind TLS-intercepting proxies, air-gapped agents); WHEELHOUSE=DIR uses a
#    wheelhouse prepared elsewhere instead, and the project's own wheel is added to it;
# 3. checks the wheelhouse installs modelgate offline, then builds docker/Dockerfile's targets.
#
# Environment: BASE_IMAGE (a Debian bookworm image with python3 + python3-venv; default: the
# Dockerfile's), PYTHON (a Python 3.11 with pip, and modelgate[batch] if a model must be trained;
# default: the checkout's .venv/bin/python when it holds modelgate (as `python3 dev.py serve` leaves
# it), else python3), WHEELHOUSE, TARGETS. Exit code 2 with one line on stderr for a problem with the inputs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tag="${1:-modelgate:latest}"
# A bare name means its :latest, so the full image's tag is NAME:latest-full, not a repository NAME-full.
[[ "${tag##*/}" == *:* ]] || tag="$tag:latest"
targets="${TARGETS:-serve full}"
if [ -n "${PYTHON:-}" ]; then
    python="$PYTHON"
elif [ -x .venv/bin/python ] && .venv/bin/python -P -c "import modelgate.contracts" 2>/dev/null; then
    python=".venv/bin/python"
else
    python="python3"
fi
# -P wherever modelgate is imported: the installed package, never this checkout's modelgate/ folder from the working
# directory, which is only part of it (pyproject.toml maps contracts/, model/ and app/ into it).
model_dir="${2:-model/bundled}"
model_dir="${model_dir%/}"
training_data="data/weight_data.csv"
wheelhouse="docker/wheelhouse"

die() { echo "docker/build.sh: $*" >&2; exit 2; }
say() { echo "docker/build.sh: $*"; }

[ -f constraints.txt ] && [ -f docker/Dockerfile ] || die "run from a modelgate checkout ($root lacks constraints.txt or docker/Dockerfile)"
command -v "$python" >/dev/null 2>&1 || die "no Python at '$python' (set PYTHON to a Python 3.11 with pip)"

# 1. The model.
if [ ! -f "$model_dir/manifest.json" ] && [ "$model_dir" != "model/bundled" ]; then
    die "no model in $model_dir (package one with modelgate package or modelgate train)"
fi
if [ ! -f "$model_dir/manifest.json" ]; then
    [ -f "$training_data" ] || die "no model in $model_dir and no training data at $training_data to train one: put a trained model (model.skops + manifest.json) in $model_dir or the training CSV at $training_data"
    "$python" -P -c "import modelgate, sklearn" 2>/dev/null || die "no model in $model_dir, and '$python' cannot train one: run python3 dev.py serve once, or pip install -e '.[batch]' (or set PYTHON)"
    say "no model in $model_dir: training one from $training_data"
    "$python" -P -m modelgate.cli train --features features --data "$training_data" --out "$model_dir" || die "training from $training_data failed (see above)"
fi

# The model folder goes into the build context as its manifest lists it (the one list of a model's files), each
# verified; the image copies docker/model and nothing else of the model's folder.
staged="docker/model"
rm -rf "$staged" && mkdir -p "$staged"
"$python" -P -c "import modelgate.contracts" 2>/dev/null || die "'$python' has no modelgate installed to verify the model with: pip install -e '.[batch]' with it, run python3 dev.py serve once, or set PYTHON"
"$python" -P - "$model_dir" "$staged" <<'PY' || die "the model in $model_dir does not verify (see above)"
import shutil, sys
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.model.manifest import read_manifest

source, staged = Path(sys.argv[1]), Path(sys.argv[2])
try:
    for path in read_manifest(source).files(source):
        shutil.copyfile(path, staged / path.name)
except ModelgateError as exc:
    sys.exit(f"docker/build.sh: {exc}")
PY

# 2. The wheelhouse: every pinned dependency and the project's own wheel, built from this checkout.
# The same sources give the same wheel (zip times from SOURCE_DATE_EPOCH, not the clock): the build's installed
# layers are then cached and shared by every model's image built from this wheelhouse.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ -n "${WHEELHOUSE:-}" ]; then
    [ -d "$WHEELHOUSE" ] || die "WHEELHOUSE=$WHEELHOUSE is not a directory"
    if [ "$(cd "$WHEELHOUSE" && pwd)" != "$root/$wheelhouse" ]; then
        rm -rf "$wheelhouse" && mkdir -p "$wheelhouse"
        cp "$WHEELHOUSE"/*.whl "$wheelhouse"/ 2>/dev/null || die "WHEELHOUSE=$WHEELHOUSE holds no wheels (*.whl)"
    fi
    rm -f "$wheelhouse"/modelgate-*.whl
    say "building modelgate's wheel into $wheelhouse (dependencies from WHEELHOUSE=$WHEELHOUSE)"
    "$python" -m pip wheel --quiet --no-deps -w "$wheelhouse" . >"$log" 2>&1 || { cat "$log" >&2; die "building modelgate's wheel failed"; }
else
    rm -rf "$wheelhouse" && mkdir -p "$wheelhouse"
    say "preparing $wheelhouse with pip (constraints.txt)"
    "$python" -m pip wheel --quiet -w "$wheelhouse" -c constraints.txt '.[batch]' >"$log" 2>&1 \
        || { grep -v 'is ignored' "$log" >&2; die "pip could not prepare the wheelhouse (see above)"; }
fi

# 3. The same offline install the image does, as a dry run here: a missing or broken wheel is a
#    clear error now rather than a failed layer later. The full image's set holds the serving image's.
requirement="modelgate"
[[ " $targets " == *" full "* ]] && requirement="modelgate[batch]"
if ! "$python" -m pip install --dry-run --ignore-installed --quiet --no-index --find-links "$wheelhouse" \
        -c constraints.txt "$requirement" >"$log" 2>&1; then
    grep -E '^ERROR|rror:' "$log" | head -n 5 >&2 || true
    die "the wheelhouse $wheelhouse cannot install modelgate offline (a wheel is missing or broken); delete it and run again, or fix WHEELHOUSE"
fi

# 4. The image.
command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd, or set DOCKER_HOST)"
version="$("$python" -c "import json, sys; print(json.load(open(sys.argv[1]))['model_version'])" "$model_dir/manifest.json")"
build_args=()
[ -n "${BASE_IMAGE:-}" ] && build_args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
for target in $targets; do
    case "$target" in
        serve) image="$tag" ;;
        full) image="$tag-full" ;;
        *) die "TARGETS=$targets: each must be serve or full" ;;
    esac
    say "building $image (target $target, model $version, base ${BASE_IMAGE:-the Dockerfile default})"
    # The classic builder unless told otherwise: Debian's docker.io ships no buildx plugin, and the
    # Dockerfile needs nothing BuildKit adds.
    DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" docker build --quiet -f docker/Dockerfile --target "$target" -t "$image" \
        --label "org.opencontainers.image.title=modelgate" --label "modelgate.model_version=$version" \
        --label "modelgate.target=$target" "${build_args[@]}" . >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "docker build of $image failed (see above)"; }
    say "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
done
