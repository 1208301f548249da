#!/bin/sh
# What the original syscontainer-hooks does for a prestart, as a shell hook:
# take the bundle from the state on stdin, find KERNEL_MODULES in its
# config.json, and exec modprobe -a with the names. It has no policy and no
# name checks; it is here only as the benchmark's point of comparison.
state=$(cat)
bundle=$(printf '%s' "$state" | sed -n 's/.*"bundle": *"\([^"]*\)".*/\1/p')
value=$(grep -o '"KERNEL_MODULES=[^"]*"' "$bundle/config.json" | head -n 1 |
    sed 's/^"KERNEL_MODULES=//; s/"$//')
[ -n "$value" ] || exit 0
IFS=,
# shellcheck disable=SC2086
exec /sbin/modprobe -a $value
