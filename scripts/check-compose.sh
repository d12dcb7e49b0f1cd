#!/usr/bin/env bash
# Validates docker-compose.yml (CI runs this). Prints one line on success; on failure prints the
# validator's own message and exits non-zero.
#
# Uses docker-compose (v1, Debian's 1.29) or else the `docker compose` plugin. If neither exists and
# we are root on a Debian-like system, installs Debian's docker-compose with apt-get (without its
# recommended Docker engine: validating needs no engine). Otherwise says what to install and fails.
#
#   scripts/check-compose.sh [path/to/docker-compose.yml]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file="${1:-$root/docker-compose.yml}"
me="check-compose"

if [[ ! -f "$file" ]]; then
  echo "$me: $file not found" >&2
  exit 1
fi

compose=()
find_compose() {
  if command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
  elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  fi
}

find_compose
if [[ ${#compose[@]} -eq 0 ]]; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "$me: installing docker-compose with apt-get failed (output above)" >&2
      exit 2
    fi
    rm -f "$log"
    find_compose
  fi
fi
if [[ ${#compose[@]} -eq 0 ]]; then
  echo "$me: neither docker-compose nor 'docker compose' is available, and docker-compose could" \
       "not be installed here (that needs root and apt-get). Install one of them, e.g." \
       "'apt-get install docker-compose', and run this again." >&2
  exit 2
fi

# The file requires some settings (${VAR:?...}) that a deployment supplies. Validation only needs
# them to be set, so fill in placeholders for those not already given; they are never used.
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-compose-check-placeholder}"
export PASBAN_ADMIN_API_KEY="${PASBAN_ADMIN_API_KEY:-pk_compose0_placeholder-for-validation-only}"

if ! output="$("${compose[@]}" -f "$file" config -q 2>&1)"; then
  printf '%s\n' "$output" >&2
  echo "$me: $file is NOT valid (${compose[*]} config)" >&2
  exit 1
fi
version="$("${compose[@]}" version --short 2>/dev/null || true)"
echo "$me: ${file#"$root"/} is valid (${compose[*]}${version:+ $version} config)"
