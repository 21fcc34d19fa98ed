# The "dind sidecar" of actions-runner-controller, played on this machine: a second dockerd beside the
# stack's, which a runner container of the first daemon drives through its socket. Sourced by stack.sh
# (it uses stack.sh's STACK, log, die, alive and stop_pid):
#
#   test/stack/stack.sh dind up|down|status
#
# A privileged container cannot run dockerd here, so the sidecar runs on the host, as ARC's docker:dind
# container would, with everything of its own: data root, exec root, pid file, its own bridge and
# address pool in 198.18.0.0/15 (the benchmark range), no iptables rules of its own but one FORWARD rule
# that lets its containers talk to each other. It gets its own /run too (a tmpfs in a mount namespace of
# its own), so that it answers on /var/run/docker.sock there, as docker:dind does in the pod: the
# runner's /var/run/docker.sock mount of a job container then means the sidecar, not the first daemon.
# The host reaches it at $STACK/dind.sock. It reads registry CAs from the host's /etc/docker/certs.d and
# resolves the registry names through the host's /etc/hosts, as the first daemon does (both written by
# `up`). `down` removes all of it: the daemon, the bridge, the rule and the data root.
DIND_DIR="$STACK/dind"
DIND_SOCKET="$STACK/dind.sock"
DIND_BRIDGE=dh-dind0
DIND_BRIDGE_ADDR=198.19.0.1/24
# Job networks come from here; the rule below covers the bridge and the pool.
DIND_POOL=198.19.128.0/17
DIND_RANGE=198.19.0.0/16
DIND_RULE=(FORWARD -s "$DIND_RANGE" -d "$DIND_RANGE" -m comment --comment dockhand-dind -j ACCEPT)

dind_docker() { docker -H "unix://$DIND_SOCKET" "$@"; }

dind_up() {
  need_root
  docker info >/dev/null 2>&1 || die "no dockerd answers: run 'test/stack/stack.sh up' first"
  alive "$STACK/dind.pid" && { dind_describe; return 0; }
  mkdir -p "$DIND_DIR/data" "$DIND_DIR/exec"
  chmod 700 "$DIND_DIR"
  # Its own settings file, so that a daemon.json of the first daemon never applies to it.
  printf '{}\n' >"$DIND_DIR/daemon.json"
  if ! ip link show "$DIND_BRIDGE" >/dev/null 2>&1; then
    ip link add "$DIND_BRIDGE" type bridge
    ip addr add "$DIND_BRIDGE_ADDR" dev "$DIND_BRIDGE"
    ip link set "$DIND_BRIDGE" up
  fi
  iptables -C "${DIND_RULE[@]}" 2>/dev/null || iptables -I "${DIND_RULE[@]}"
  # unshare without --fork execs, and so does dind-enter.sh: $! is the daemon's own PID. Its own /run
  # hides the host's (the first daemon's socket and state) from it and from the bind mounts it makes.
  setsid unshare --mount --propagation private "$ROOT/test/stack/dind-enter.sh" \
    /usr/sbin/dockerd --config-file "$DIND_DIR/daemon.json" --data-root "$DIND_DIR/data" \
    --exec-root "$DIND_DIR/exec" --pidfile "$DIND_DIR/dockerd.pid" \
    -H "unix://$DIND_SOCKET" -H unix:///var/run/docker.sock \
    --bridge "$DIND_BRIDGE" --default-address-pool "base=$DIND_POOL,size=24" \
    --iptables=false --ip-masq=false \
    >>"$STACK/dind.log" 2>&1 </dev/null &
  echo $! >"$STACK/dind.pid"
  local i
  for i in $(seq 1 150); do
    if dind_docker info >/dev/null 2>&1; then
      dind_describe
      log "dind: sidecar dockerd on unix://$DIND_SOCKET (bridge $DIND_BRIDGE, pool $DIND_POOL)"
      return 0
    fi
    alive "$STACK/dind.pid" || break
    sleep 0.2
  done
  dind_down
  die "the sidecar dockerd did not come up in 30 s (see $STACK/dind.log)"
}

# For tests: where the sidecar answers.
dind_describe() {
  printf '{\n  "socket": "%s",\n  "bridge": "%s",\n  "pool": "%s"\n}\n' "$DIND_SOCKET" "$DIND_BRIDGE" "$DIND_POOL" \
    >"$STACK/dind.json"
}

dind_down() {
  need_root
  rm -f "$STACK/dind.json"
  # dockerd stops its containers and its containerd before it exits; with them ends its mount
  # namespace, and every mount it made there.
  stop_pid "$STACK/dind.pid" "sidecar dockerd"
  rm -f "$DIND_SOCKET"
  # --one-file-system: never through a mount, should one be left.
  rm -rf --one-file-system "$DIND_DIR"
  ip link del "$DIND_BRIDGE" 2>/dev/null || true
  while iptables -C "${DIND_RULE[@]}" 2>/dev/null; do iptables -D "${DIND_RULE[@]}"; done
  log "dind: down"
}

dind_status() {
  if alive "$STACK/dind.pid"; then echo "dind: running (pid $(cat "$STACK/dind.pid"))"; else echo "dind: not started here"; fi
  dind_docker info >/dev/null 2>&1 && echo "dind docker: reachable" || echo "dind docker: unreachable"
}

dind() {
  case "${1:-}" in
    up) dind_up ;;
    down) dind_down ;;
    status) dind_status ;;
    *) die "usage: test/stack/stack.sh dind up|down|status" ;;
  esac
}
