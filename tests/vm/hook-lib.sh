# Shell functions for guest scripts that run oci-kmod-hook with made-up OCI
# states, without a runtime. Source it after lib.sh. Set hook to the binary
# and state_dir to the ledger directory before calling them.

bundles_dir=/tmp/hook-bundles

# Write a minimal bundle for container ID whose KERNEL_MODULES is MODULES.
# Usage: make_hook_bundle ID MODULES
make_hook_bundle() {
    mkdir -p "$bundles_dir/$1" || return 1
    printf '{"ociVersion":"1.0.2","process":{"env":["PATH=/bin","KERNEL_MODULES=%s"]}}\n' \
        "$2" >"$bundles_dir/$1/config.json"
}

# Run the hook as prestart for container ID with the OCI state on stdin.
# The state's pid is $prestart_pid, or 1 when it is unset. Extra arguments
# go to the hook.
# Usage: hook_prestart ID [HOOK_ARGS...]
hook_prestart() {
    prestart_id=$1
    shift
    printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%d,"bundle":"%s"}' \
        "$prestart_id" "${prestart_pid:-1}" "$bundles_dir/$prestart_id" |
        "$hook" --state-dir "$state_dir" "$@"
}

# Run the hook as poststop for container ID. Extra arguments go to the hook.
# Usage: hook_poststop ID [HOOK_ARGS...]
hook_poststop() {
    poststop_id=$1
    shift
    printf '{"ociVersion":"1.0.2","id":"%s","status":"stopped","bundle":"%s"}' \
        "$poststop_id" "$bundles_dir/$poststop_id" |
        "$hook" --state-dir "$state_dir" --state poststop "$@"
}

# Print the value of jq FILTER applied to `status --json`.
status_query() {
    "$hook" status --json --state-dir "$state_dir" | jq -r "$1"
}

# Succeed if status reports MODULE was inserted by the hook (EXPECTED true or false).
# Usage: inserted_by_hook MODULE EXPECTED
inserted_by_hook() {
    [ "$(status_query ".modules[] | select(.name == \"$1\") | .inserted_by_hook")" = "$2" ]
}

# Print the origin that container ID's record gives MODULE.
record_origin() {
    status_query ".containers[] | select(.id == \"$1\") | .modules[] |
        select(.name == \"$2\") | .origin"
}

# Print the state of container ID's record.
record_state() {
    status_query ".containers[] | select(.id == \"$1\") | .state"
}

# Succeed if every named module is live.
all_loaded() {
    for module in "$@"; do
        module_loaded "$module" || return 1
    done
}

# Succeed if no named module is loaded.
none_loaded() {
    for module in "$@"; do
        if [ -n "$(module_state "$module")" ]; then
            echo "# $module is still loaded"
            return 1
        fi
    done
}

# Print milliseconds since the epoch.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# Succeed if TEXT has a line that is exactly LINE.
# Usage: has_line TEXT LINE
has_line() {
    printf '%s\n' "$1" | grep -qxF "$2"
}

# Wait up to 10 s until module NAME is in the Loading state.
wait_loading() {
    for _ in $(seq 1 200); do
        [ "$(module_state "$1")" = Loading ] && return 0
        busybox usleep 50000
    done
    echo "# $1 never reached the Loading state"
    return 1
}

# Start the hook as prestart for container ID in the background, so that $!
# is the hook process itself and a signal sent to it reaches the hook.
# Usage: hook_prestart_background ID
hook_prestart_background() {
    printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":1,"bundle":"%s"}' \
        "$1" "$bundles_dir/$1" >"$bundles_dir/$1/state.json"
    "$hook" --state-dir "$state_dir" <"$bundles_dir/$1/state.json" >/dev/null 2>&1 &
}
