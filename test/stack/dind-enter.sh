#!/usr/bin/env bash
# Runs its arguments (the sidecar dockerd, see dind.sh) in the mount namespace `unshare` made for it:
# first lets go of the host's /run and container storage (the first daemon's and podman's mounts, copied
# into this namespace, would otherwise stay referenced here), then gives it an empty /run of its own.
set -euo pipefail
awk '$5 ~ /^\/(run|var\/lib\/docker|var\/lib\/containers)(\/|$)/ { print $5 }' /proc/self/mountinfo |
  sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
mount -t tmpfs -o mode=755 dind-run /run
exec "$@"
