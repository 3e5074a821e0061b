#!/bin/sh
# Pushes one beat to an Edgewatch push monitor from the results the guide's in-cluster checks left in $RESULTS_DIR
# (one file per check, written by the CronJob's init containers in cronjob.yaml):
#   postgres          "up" or "down"   (pg_isready)
#   pods_not_running  a count          (kubectl get pods --field-selector=status.phase!=Running)
#   prometheus        "up" or "down"   (curl http://prometheus:9090/-/healthy)
# Environment: EDGEWATCH_URL (https://status.example.com), EDGEWATCH_MONITOR (the monitor's id), EDGEWATCH_TOKEN (the
# bearer token, from a Kubernetes Secret), RESULTS_DIR (default /results). POSIX sh and curl only (busybox will do).
set -u

dir="${RESULTS_DIR:-/results}"
# A result as one short word: whatever a check wrote, nothing but letters, digits and a few signs reaches the JSON.
result() { head -c 64 "$dir/$1" 2>/dev/null | tr -cd 'A-Za-z0-9_.-'; }

postgres=$(result postgres)
prometheus=$(result prometheus)
not_running=$(result pods_not_running)
[ -n "$postgres" ] || postgres=unknown
[ -n "$prometheus" ] || prometheus=unknown

status=up
# Pods not Running: the guide's "kubectl get pods | grep -v Running". Some is degraded; none is ok.
case "$not_running" in
  '' | *[!0-9]*) pods=unknown; not_running='?' ;;
  0) pods=ok ;;
  *) pods=degraded; status=degraded ;;
esac
[ "$prometheus" = up ] || status=degraded
# The database is what the platform cannot do without.
[ "$postgres" = up ] || status=down

message="pg_isready: $postgres; pods not Running: $not_running; prometheus: $prometheus"
body=$(printf '{"status":"%s","message":"%s","checks":{"postgres":"%s","pods":"%s","prometheus":"%s"}}' \
  "$status" "$message" "$postgres" "$pods" "$prometheus")

exec curl -fsS -m 10 -X POST \
  -H "Authorization: Bearer ${EDGEWATCH_TOKEN}" \
  -H "Content-Type: application/json" \
  --data "$body" \
  "${EDGEWATCH_URL%/}/api/push/${EDGEWATCH_MONITOR}"
