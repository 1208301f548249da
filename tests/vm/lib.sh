# Shell functions for guest scripts that tests/vm/run starts in the test VM.
# Source it from a guest script with:
#   . "$(dirname "$0")/lib.sh"
# The guest's root is the host's root, shared read-only. /run and /tmp are
# writable tmpfs mounts. The functions use `local`, which dash, bash and
# busybox ash support.

# Names of the modules that tests/modules/build compiles.
test_modules="kmodhook_sleep kmodhook_oot"

# --- TAP output ------------------------------------------------------------

tests_run=0
tests_passed=0
tests_failed=0

# Print "ok N - NAME".
pass() {
    tests_run=$((tests_run + 1))
    tests_passed=$((tests_passed + 1))
    echo "ok $tests_run - $1"
}

# Print "not ok N - NAME", and DETAIL as a TAP comment if given.
fail() {
    tests_run=$((tests_run + 1))
    tests_failed=$((tests_failed + 1))
    echo "not ok $tests_run - $1"
    if [ $# -gt 1 ]; then
        echo "# $2"
    fi
}

# Run COMMAND and record a pass for NAME if it exits 0, else a failure.
# Usage: check NAME COMMAND [ARGS...]
check() {
    local name=$1
    shift
    if "$@"; then
        pass "$name"
    else
        fail "$name" "exit status $?: $*"
    fi
}

# Print the TAP plan and the line "N passed, N failed". Returns 1 if any
# check failed, so a guest script can end with `finish_tests; exit $?`.
finish_tests() {
    echo "1..$tests_run"
    echo "$tests_passed passed, $tests_failed failed"
    [ "$tests_failed" -eq 0 ]
}

# --- Kernel modules --------------------------------------------------------

# Print the state of module NAME from /proc/modules (Live, Loading or
# Unloading), or nothing if it is not loaded.
module_state() {
    awk -v name="$1" '$1 == name { print $5 }' /proc/modules
}

# Succeed if module NAME is loaded and its init function has returned.
module_loaded() {
    [ "$(module_state "$1")" = Live ]
}

# Unload every test module that is loaded. Returns 1 if rmmod failed for
# any of them.
unload_all_test_modules() {
    local module status=0
    for module in $test_modules; do
        if [ -n "$(module_state "$module")" ]; then
            rmmod "$module" || status=1
        fi
    done
    return "$status"
}

# Make the test modules in BUILD_DIR/modules loadable by name with modprobe.
# /lib/modules/RELEASE is on the read-only share, so an overlay with a tmpfs
# upper directory (under /run) is mounted over it. The upper directory gets
# the modules in extra/ and the modules.* index files that
# tests/modules/build made with depmod on the host. Running depmod -a here
# would give the same files but took 20 s (QEMU 7.2 TCG, 2-core host).
# Calling it again does nothing.
# Usage: install_test_modules BUILD_DIR
install_test_modules() {
    local release modules_dir depmod_dir overlay_dir
    release=$(uname -r)
    modules_dir=/lib/modules/$release
    depmod_dir=$1/modules/depmod/lib/modules/$release
    overlay_dir=/run/test-modules-overlay
    if [ -d "$overlay_dir" ]; then
        return 0
    fi
    if [ ! -f "$depmod_dir/modules.dep.bin" ]; then
        echo "install_test_modules: $depmod_dir/modules.dep.bin not found; run tests/modules/build $1" >&2
        return 1
    fi

    # Files are copied into the upper layer before the mount because
    # overlayfs does not support changes to a mounted upper layer.
    mkdir -p "$overlay_dir/upper" "$overlay_dir/work" || return 1
    cp -r "$depmod_dir/extra" "$depmod_dir"/modules.* "$overlay_dir/upper/" || return 1
    mount -t overlay overlay \
        -o "lowerdir=$modules_dir,upperdir=$overlay_dir/upper,workdir=$overlay_dir/work" \
        "$modules_dir"
}

# --- Syslog ----------------------------------------------------------------

# Succeed if a line of /run/messages, where guest-init's syslogd writes,
# matches the grep basic regular expression PATTERN within 2 seconds.
syslog_contains() {
    for _ in $(seq 20); do
        if grep -q -- "$1" /run/messages; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# --- OCI containers --------------------------------------------------------

# Make a minimal container root filesystem in DIR: busybox-static with a
# symlink for each applet in /bin, and the empty directories that the
# runtimes mount over (proc, dev, sys, tmp). DIR can be read-only afterwards.
# tests/vm/run makes BUILD_DIR/rootfs with it on the host, because one ln
# process per applet took 9 s in the guest (QEMU 7.2 TCG, 2-core host).
# Usage: make_rootfs DIR
make_rootfs() {
    local applet
    mkdir -p "$1/bin" "$1/proc" "$1/dev" "$1/sys" "$1/tmp" "$1/etc" || return 1
    cp /bin/busybox "$1/bin/busybox" || return 1
    for applet in $(/bin/busybox --list); do
        if [ "$applet" != busybox ]; then
            ln -sf busybox "$1/bin/$applet"
        fi
    done
}

# Print STRING as a JSON string.
# NOTE: Only backslash and double quote are escaped, so control characters
# such as newline or tab produce invalid JSON.
json_string() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# Print the arguments as a JSON array of strings.
json_array() {
    local item separator=
    printf '['
    for item in "$@"; do
        printf '%s' "$separator"
        json_string "$item"
        separator=,
    done
    printf ']'
}

# Print an OCI hook object that runs PATH with ARGS (ARGS[0] included) and
# PATH=/usr/sbin:/usr/bin:/sbin:/bin in its environment.
# Usage: hook_json PATH ARG0 [ARGS...]
hook_json() {
    local path=$1
    shift
    printf '{"path":%s,"args":%s,"env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}' \
        "$(json_string "$path")" "$(json_array "$@")"
}

# Write DIR/config.json (OCI runtime spec 1.0.2) for a container on ROOTFS
# that runs COMMAND, by default /bin/true. ENV_LINES contains one KEY=VALUE
# entry a line, and the entries follow PATH=/bin in process.env. HOOKS_JSON
# is the value of "hooks", for example '{"prestart":['"$(hook_json /bin/true true)"']}' or '{}'.
# The root is read-only, the container gets its own pid, mount, ipc, uts and
# network namespaces, and there is no seccomp profile.
# Usage: make_bundle DIR ROOTFS ENV_LINES HOOKS_JSON [COMMAND [ARGS...]]
make_bundle() {
    local dir=$1 rootfs=$2 env_lines=$3 hooks=$4 env_json line old_ifs
    shift 4
    if [ $# -eq 0 ]; then
        set -- /bin/true
    fi

    env_json=$(json_string PATH=/bin)
    old_ifs=$IFS
    IFS='
'
    for line in $env_lines; do
        env_json="$env_json,$(json_string "$line")"
    done
    IFS=$old_ifs

    mkdir -p "$dir" || return 1
    cat >"$dir/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $(json_array "$@"),
    "env": [$env_json],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "noNewPrivileges": true
  },
  "root": {"path": $(json_string "$rootfs"), "readonly": true},
  "hostname": "container",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "hooks": $hooks,
  "linux": {
    "namespaces": [
      {"type": "pid"}, {"type": "mount"}, {"type": "ipc"},
      {"type": "uts"}, {"type": "network"}
    ]
  }
}
JSON
}

# Run the container in BUNDLE_DIR with RUNTIME (crun or runc) under the name
# CONTAINER_ID, and return the runtime's exit status. crun gets
# --cgroup-manager=cgroupfs because the VM runs no systemd.
# Usage: run_container RUNTIME BUNDLE_DIR CONTAINER_ID
run_container() {
    case $1 in
    crun) crun --cgroup-manager=cgroupfs run --bundle "$2" "$3" ;;
    *) "$1" run --bundle "$2" "$3" ;;
    esac
}
