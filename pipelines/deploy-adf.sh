#!/usr/bin/env bash
# Deploy the Data Factory definitions in pipelines/adf/*.json to a factory, through the ARM REST API, wired to
# what was deployed: pipelines/adf_render.py fills in the deployed Databricks job (from the bundle summary that
# deploy-databricks.sh wrote) and the environment's variables, and refuses a definition with a token left or a
# reference to something not deployed with it. Linked services go first, then pipelines, then triggers (stopped
# before they change and started again after; a storage event trigger needs the Microsoft.EventGrid resource
# provider, registered here if it is not). Runs inside AzureCLI@2.
#   pipelines/deploy-adf.sh RESOURCE_GROUP FACTORY BUNDLE_SUMMARY_JSON
# Environment (the release variable group, mapped in release-steps.yml): DATABRICKS_HOST,
# DATABRICKS_WORKSPACE_RESOURCE_ID, STORAGE_ACCOUNT, STORAGE_CONTAINER, STORAGE_RESOURCE_GROUP and, if the
# storage account is in another subscription than the service connection's, SUBSCRIPTION_ID.
set -euo pipefail
usage="usage: deploy-adf.sh RESOURCE_GROUP FACTORY BUNDLE_SUMMARY_JSON"
group="${1:?$usage}"
factory="${2:?$usage}"
summary="${3:?$usage}"
here="$(dirname "$0")"
api="api-version=2018-06-01"
export SUBSCRIPTION_ID="${SUBSCRIPTION_ID:-$(az account show --query id --output tsv)}"

rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
plan="$(python3 "$here/adf_render.py" "$summary" "$rendered")"  # fails with one line per problem, before any upload

state="$(az provider show --namespace Microsoft.EventGrid --subscription "$SUBSCRIPTION_ID" --query registrationState --output tsv)"
if [ "$state" != "Registered" ]; then
    echo "deploy-adf.sh: resource provider Microsoft.EventGrid is $state in subscription $SUBSCRIPTION_ID; registering it (storage event triggers need it)"
    if ! az provider register --namespace Microsoft.EventGrid --subscription "$SUBSCRIPTION_ID" --wait; then
        echo "deploy-adf.sh: cannot register Microsoft.EventGrid in subscription $SUBSCRIPTION_ID; someone with rights on the subscription must run: az provider register --namespace Microsoft.EventGrid" >&2
        exit 3
    fi
fi

base="https://management.azure.com$(az group show --name "$group" --query id --output tsv)/providers/Microsoft.DataFactory/factories/$factory"
while read -r kind name file; do
    if [ "$kind" = triggers ]; then
        az rest --method post --url "$base/triggers/$name/stop?$api" --output none 2>/dev/null || true  # absent on first deploy
    fi
    echo "deploy-adf.sh: $kind/$name"
    az rest --method put --url "$base/$kind/$name?$api" --body "@$file" --output none
    if [ "$kind" = triggers ]; then
        az rest --method post --url "$base/triggers/$name/start?$api" --output none
    fi
done <<< "$plan"
