#!/usr/bin/env bash
# Deploy the Databricks Asset Bundle in pipelines/databricks/ to a bundle target (dev or prod), then write the
# bundle summary (the deployed job's id and cluster) to SUMMARY_JSON for deploy-adf.sh.
# Runs inside AzureCLI@2: the Databricks CLI signs in as the pipeline's Azure service connection
# (azure-cli auth), so no Databricks token exists anywhere. DATABRICKS_HOST comes from the variable group.
#   pipelines/deploy-databricks.sh TARGET SUMMARY_JSON
set -euo pipefail
usage="usage: deploy-databricks.sh TARGET (dev or prod) SUMMARY_JSON"
target="${1:?$usage}"
summary="${2:?$usage}"
: "${DATABRICKS_HOST:?DATABRICKS_HOST is not set (variable group modelgate-release-<env>)}"

# The CLI is pinned and verified: this version's linux_amd64 archive from the CLI's GitHub release, checked against
# the SHA-256 Databricks publishes for it (also in their Homebrew formula). Nothing downloaded is run unverified.
# To bump: change both lines together.
version="0.283.0"
sha256="39fcbfa3fd6545182b0b0f71d77bcdd353ae469664b9830904a26a43b640075b"

install_cli() {
    local dir archive
    dir="$(mktemp -d)"
    archive="$dir/databricks_cli_${version}_linux_amd64.zip"
    curl -fsSL --retry 3 -o "$archive" \
        "https://github.com/databricks/cli/releases/download/v${version}/databricks_cli_${version}_linux_amd64.zip"
    if ! echo "$sha256  $archive" | sha256sum --check --status; then
        echo "deploy-databricks.sh: the Databricks CLI archive $version does not match its pinned SHA-256; not installing it" >&2
        exit 3
    fi
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("databricks", sys.argv[2])' "$archive" "$dir/bin"
    chmod +x "$dir/bin/databricks"
    export PATH="$dir/bin:$PATH"
}

if [ "$(databricks --version 2>/dev/null || true)" != "Databricks CLI v${version}" ]; then
    install_cli
fi
export DATABRICKS_AUTH_TYPE=azure-cli
summary="$(realpath "$summary")"
cd "$(dirname "$0")/databricks"
databricks bundle validate -t "$target"
databricks bundle deploy -t "$target"
databricks bundle summary -t "$target" -o json > "$summary"
echo "deploy-databricks.sh: bundle summary in $summary"
