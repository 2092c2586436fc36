#!/usr/bin/env bash
# The contract on the cluster, for one bundle target (the Release_<env> stages, after deploy-databricks.sh).
# Runs inside AzureCLI@2 (azure-cli auth, as deploy-databricks.sh); DATABRICKS_HOST comes from the variable group.
#
#   pipelines/contract-databricks.sh run TARGET JUNIT
#       copies the released model ($MODELGATE_RELEASE_MODEL, default model/bundled) into a release folder beside the bundle's model_dir and the
#       training data to its training_data path, runs the contract_tests job on that folder, and downloads the
#       job's JUnit file to JUNIT (also when the job failed: the failures are in it). Exit: the job's.
#   pipelines/contract-databricks.sh promote TARGET
#       copies the release folder over model_dir, the model the scoring job uses (after the gate passed).
#
# Every path comes from the bundle's own variables for TARGET (`databricks bundle validate -o json`).
set -euo pipefail
action="${1:?usage: contract-databricks.sh run TARGET JUNIT | promote TARGET}"
target="${2:?usage: contract-databricks.sh run TARGET JUNIT | promote TARGET}"
: "${DATABRICKS_HOST:?DATABRICKS_HOST is not set (variable group modelgate-release-<env>)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export DATABRICKS_AUTH_TYPE=azure-cli
cd "$root/pipelines/databricks"
config="$(databricks bundle validate -t "$target" -o json)"
variable() {
    python3 -c 'import json, sys; print(json.load(sys.stdin)["variables"][sys.argv[1]]["value"])' "$1" <<<"$config"
}
model_dir="$(variable model_dir)"
release_dir="$(dirname "$model_dir")/release-${BUILD_BUILDID:?BUILD_BUILDID is not set (an Azure DevOps run)}"

case "$action" in
run)
    junit="${3:?usage: contract-databricks.sh run TARGET JUNIT}"
    training_data="$(variable training_data)"
    features_dir="$(variable features_dir)"
    reports="$(variable contract_reports)"
    databricks fs cp --recursive --overwrite "$root/${MODELGATE_RELEASE_MODEL:-model/bundled}" "dbfs:$release_dir"
    databricks fs cp --overwrite "$root/data/weight_data.csv" "dbfs:$training_data"
    status=0
    databricks bundle run contract_tests -t "$target" --params "model_dir=$release_dir,training_data=$training_data,features_dir=$features_dir,junit_dir=$reports" || status=$?
    mkdir -p "$(dirname "$junit")"
    databricks fs cp --overwrite "dbfs:$reports/databricks.xml" "$junit"
    exit "$status"
    ;;
promote)
    databricks fs cp --recursive --overwrite "dbfs:$release_dir" "dbfs:$model_dir"
    ;;
*)
    echo "contract-databricks.sh: unknown action $action (run or promote)" >&2
    exit 2
    ;;
esac
