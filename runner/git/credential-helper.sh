#!/bin/sh
# The git credential helper of the runner's environments. Git runs it (configured in each clone
# as `credential.helper`) with `get`, `store` or `erase` and the request on stdin; it forwards
# `get` and `erase` to the runner process over the environment's own unix socket (only the
# environment's OS user can open it, which is how the runner knows who asks) and prints the answer
# for git. It holds no secret and writes nothing.
#
#   sh git-credential-scm.sh --node <node> --socket <path> <get|store|erase>
#
# curl answers in milliseconds where starting Node takes tens (hundreds on a busy machine), and
# this runs once per clone, fetch and push; without curl, the same request goes through
# credential-helper.mjs. When the runner cannot answer, it says why on stderr and tells git to
# stop (`quit=1`) rather than fall back to prompting.

node=node
socket=
operation=
while [ $# -gt 0 ]; do
  case "$1" in
    --node) node=$2; shift 2 ;;
    --socket) socket=$2; shift 2 ;;
    --environment) shift 2 ;; # written by older runners; the socket says which environment asks
    *) operation=$1; shift ;;
  esac
done

# `store` needs nothing from us: the runner keeps credentials, git must not.
case "$operation" in
  get|erase) ;;
  *) exit 0 ;;
esac

if ! command -v curl >/dev/null 2>&1; then
  NODE_OPTIONS= exec "$node" "${0%/*}/credential-helper.mjs" --socket "$socket" "$operation"
fi

if ! answer=$(curl --silent --max-time 60 --unix-socket "$socket" --data-binary @- "http://runner/v1/git-credential/$operation"); then
  [ "$operation" = erase ] && exit 0
  echo "scm runner: cannot get this environment's credentials: the runner is not running, or this environment was deleted." >&2
  echo "quit=1"
  exit 0
fi
case "$answer" in
  error=*)
    echo "scm runner: ${answer#error=}" >&2
    echo "quit=1"
    ;;
  *) [ -n "$answer" ] && printf '%s\n' "$answer" ;;
esac
exit 0
