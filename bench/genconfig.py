#!/usr/bin/env python3
"""Write an OCI config.json of about SIZE bytes for the parsing benchmark.

The size comes from up to 20 000 env entries of about 200 bytes, a seccomp
profile of up to 400 rules (one per 20 KiB), and annotations that fill the
rest. KERNEL_MODULES is
added as the last env entry when VALUE is given.

Usage: genconfig.py SIZE OUTPUT [VALUE]
"""
import json
import sys


def main():
    size = int(sys.argv[1])
    output = sys.argv[2]
    value = sys.argv[3] if len(sys.argv) > 3 else None

    env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
    rules = [{"names": ["syscall_%d_%d" % (i, j) for j in range(8)],
              "action": "SCMP_ACT_ALLOW",
              "args": [{"index": 0, "value": i, "op": "SCMP_CMP_EQ"}]}
             for i in range(max(1, min(400, size // 20480)))]
    annotations = {}
    config = {
        "ociVersion": "1.0.2",
        "process": {"args": ["/bin/true"], "env": env, "cwd": "/"},
        "root": {"path": "rootfs", "readonly": True},
        "annotations": annotations,
        "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": rules}},
    }

    # Grow in steps and measure rarely, so 8 MiB takes well under a second.
    while len(env) <= 20000 and len(json.dumps(config)) < size * 0.6:
        for _ in range(max(1, min(500, size // 2000))):
            env.append("VAR_%05d=%s" % (len(env), "x" * 200))
    filler = 0
    while len(json.dumps(config)) < size:
        for _ in range(max(1, (size - len(json.dumps(config))) // 340)):
            annotations["org.example.annotation.%06d" % filler] = "y" * 300
            filler += 1
    if value is not None:
        env.append("KERNEL_MODULES=" + value)

    with open(output, "w") as f:
        json.dump(config, f)


if __name__ == "__main__":
    main()
