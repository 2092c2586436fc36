#!/usr/bin/env bash
# Deploy the Data Factory definitions in pipelines/adf/*.json to a factory, through the ARM REST API
# (each file is {"name": ..., "properties": ...}, the body that API takes). Pipelines go first, then
# triggers, which are stopped before they change and started again after. Runs inside AzureCLI@2.
#   pipelines/deploy-adf.sh RESOURCE_GROUP FACTORY
set -euo pipefail
group="${1:?usage: deploy-adf.sh RESOURCE_GROUP FACTORY}"
factory="${2:?usage: deploy-adf.sh RESOURCE_GROUP FACTORY}"
folder="$(dirname "$0")/adf"
api="api-version=2018-06-01"
base="https://management.azure.com$(az group show --name "$group" --query id --output tsv)/providers/Microsoft.DataFactory/factories/$factory"

# kind FILE -> "pipelines" or "triggers" (anything else is refused rather than guessed)
kind() {
    python3 - "$1" <<'PY'
import json, sys
props = json.load(open(sys.argv[1], encoding="utf-8"))["properties"]
if "activities" in props:
    print("pipelines")
elif str(props.get("type", "")).endswith("Trigger"):
    print("triggers")
else:
    sys.exit(f"deploy-adf.sh: {sys.argv[1]}: neither a pipeline nor a trigger definition")
PY
}
name() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["name"])' "$1"; }

shopt -s nullglob
files=("$folder"/*.json)
[ ${#files[@]} -gt 0 ] || { echo "deploy-adf.sh: no definitions in $folder" >&2; exit 2; }
for wanted in pipelines triggers; do
    for file in "${files[@]}"; do
        [ "$(kind "$file")" = "$wanted" ] || continue
        n="$(name "$file")"
        if [ "$wanted" = triggers ]; then
            az rest --method post --url "$base/triggers/$n/stop?$api" --output none 2>/dev/null || true  # absent on first deploy
        fi
        echo "deploy-adf.sh: $wanted/$n <- $file"
        az rest --method put --url "$base/$wanted/$n?$api" --body "@$file" --output none
        if [ "$wanted" = triggers ]; then
            az rest --method post --url "$base/triggers/$n/start?$api" --output none
        fi
    done
done
