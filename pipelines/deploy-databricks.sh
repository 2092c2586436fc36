#!/usr/bin/env bash
# Deploy the Databricks Asset Bundle in pipelines/databricks/ to a bundle target (dev or prod).
# Runs inside AzureCLI@2: the Databricks CLI signs in as the pipeline's Azure service connection
# (azure-cli auth), so no Databricks token exists anywhere. DATABRICKS_HOST comes from the variable group.
#   pipelines/deploy-databricks.sh TARGET
set -euo pipefail
target="${1:?usage: deploy-databricks.sh TARGET (dev or prod)}"
: "${DATABRICKS_HOST:?DATABRICKS_HOST is not set (variable group modelgate-release-<env>)}"
# Pinned, like every other tool the pipeline uses; bump deliberately.
version="${DATABRICKS_CLI_VERSION:-0.283.0}"
if ! command -v databricks >/dev/null 2>&1; then
    curl -fsSL "https://raw.githubusercontent.com/databricks/setup-cli/v${version}/install.sh" | sudo sh
fi
export DATABRICKS_AUTH_TYPE=azure-cli
cd "$(dirname "$0")/databricks"
databricks bundle validate -t "$target"
databricks bundle deploy -t "$target"
