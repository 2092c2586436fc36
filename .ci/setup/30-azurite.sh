# Sourced by .ci/run: Azurite (the Azure Storage emulator) for the storage tests (tox -e storage).
# The tests start it themselves on 127.0.0.1 (steps/azurite.py); this only installs it if missing.
export MODELGATE_AZURITE_PREFIX="${MODELGATE_AZURITE_PREFIX:-$HOME/.cache/modelgate-azurite}"
if [ ! -x "$MODELGATE_AZURITE_PREFIX/node_modules/.bin/azurite-blob" ] && ! command -v azurite-blob >/dev/null 2>&1; then
    echo "== installing azurite into $MODELGATE_AZURITE_PREFIX"
    if ! command -v npm >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    mkdir -p "$MODELGATE_AZURITE_PREFIX"
    npm install --silent --no-fund --no-audit --prefix "$MODELGATE_AZURITE_PREFIX" azurite@3.35.0
fi
# A missing Azurite now fails the storage tests instead of skipping them.
export MODELGATE_REQUIRE_AZURITE=1
