#!/bin/sh
# The runner image's entrypoint. `start` (the default command) registers the runner with the
# management plane on its first start, when the data directory holds no registration yet
# (PLANE_URL and the one-time RUNNER_REGISTRATION_TOKEN from Settings > Runners > Create runner),
# then runs `scm-runner start`. Any other command goes to scm-runner as it is
# (version, status, exec ..., register ...).
set -eu

if [ "${1:-start}" != "start" ]; then
  exec scm-runner "$@"
fi
[ "$#" -gt 0 ] && shift

export RUNNER_DATA_DIR="${RUNNER_DATA_DIR:-/var/lib/scm-runner}"

# `scm-runner status` exits 2 when the data directory holds no registration (and then asks nothing of the plane).
registered=0
scm-runner status >/dev/null 2>&1 || registered=$?
if [ "$registered" -eq 2 ]; then
  if [ -z "${PLANE_URL:-}" ] || [ -z "${RUNNER_REGISTRATION_TOKEN:-}" ]; then
    echo "This runner is not registered yet ($RUNNER_DATA_DIR holds no registration)." >&2
    echo "Set PLANE_URL and RUNNER_REGISTRATION_TOKEN (Settings > Runners > Create runner) for its first start." >&2
    exit 2
  fi
  scm-runner register --url "$PLANE_URL" --token "$RUNNER_REGISTRATION_TOKEN"
fi
# The token is spent; nothing started from here needs it.
unset RUNNER_REGISTRATION_TOKEN

exec scm-runner start "$@"
