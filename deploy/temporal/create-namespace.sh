#!/bin/sh
# One-shot job of docker-compose.yml (image temporalio/admin-tools): waits for the frontend, then
# registers Pasban's namespace with its retention unless it exists already.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${DEFAULT_NAMESPACE:-default}"

attempt=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "temporal at $address did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "${DEFAULT_NAMESPACE_RETENTION:-168h}" --address "$address"
  echo "namespace $namespace created"
fi
