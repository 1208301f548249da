#!/bin/sh
# A shell hook that does what the original syscontainer-hooks does for a
# prestart. It takes the bundle from the state on stdin, finds
# KERNEL_MODULES in its config.json, and execs modprobe -a with the names.
# It has no policy and no name checks, because it only serves as the
# benchmark's point of comparison.
state=$(cat)
bundle=$(printf '%s' "$state" | sed -n 's/.*"bundle": *"\([^"]*\)".*/\1/p')
value=$(grep -o '"KERNEL_MODULES=[^"]*"' "$bundle/config.json" | head -n 1 |
    sed 's/^"KERNEL_MODULES=//; s/"$//')
[ -n "$value" ] || exit 0
IFS=,
# shellcheck disable=SC2086
exec /sbin/modprobe -a $value
