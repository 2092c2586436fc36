# Sourced by .ci/run (set -euo pipefail): headless Chromium for the report's browser test
# (tests/test_report_browser.py). Installed with apt only when missing; with MODELGATE_REQUIRE_CHROMIUM=1 a
# missing browser fails that test instead of skipping it, so CI never passes without looking at the page.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "== .ci/setup/40-chromium.sh: installing chromium chromium-driver"
    if [ "$(id -u)" -eq 0 ]; then _mg_sudo=(); else _mg_sudo=(sudo); fi
    "${_mg_sudo[@]}" apt-get update -q
    "${_mg_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver
    unset _mg_sudo
fi
export MODELGATE_REQUIRE_CHROMIUM=1
