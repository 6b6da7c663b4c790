#!/usr/bin/env bash
# Re-record the cassettes under cassettes/ against Prism mocks of Twilio's own OpenAPI
# documents (../shared/tools/prism), so that every recorded request is one the spec accepts.
#   tools/record-cassettes.sh [pytest args...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${TWIORM_SHARED:-$here/../shared}
prism=$shared/tools/prism/prism.sh
declare -A ports=([api_v2010]=4010 [messaging_v1]=4011 [verify_v2]=4012 [lookups_v2]=4013)
started=()
cleanup() { for port in "${started[@]}"; do "$prism" stop "$port" || true; done; }
trap cleanup EXIT
for spec in "${!ports[@]}"; do
  port=${ports[$spec]}
  if ! "$prism" status "$port" >/dev/null 2>&1; then
    "$prism" start "$shared/twilio-oai/twilio_$spec.json" "$port"
    started+=("$port")
  fi
done
cd "$here"
TWIORM_RECORD=all python -m pytest tests/resources -q "$@"
