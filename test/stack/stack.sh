#!/usr/bin/env bash
# The real container test stack: dockerd, a TLS registry with basic auth answering under ECR-shaped
# names inside a network namespace of its own, locally built test images, and the ECR API emulator.
#
#   test/stack/stack.sh up      install what is missing, start everything (harmless when already up)
#   test/stack/stack.sh down    stop what `up` started (by PID) and undo its system changes
#   test/stack/stack.sh status  print what runs
#   test/stack/stack.sh images-real  build (once, cached in .stack/real-images) and push the real-sized
#                               images: PostgreSQL 15, Redis and an application image, from Debian packages
#   test/stack/stack.sh shape on|off|status  limit the registry's link like a real network (tc tbf at
#                               DOCKHAND_LINK_RATE, 200mbit by default), or lift the limit
#   test/stack/stack.sh dind up|down|status  a second dockerd as actions-runner-controller's dind sidecar
#                               (test/stack/dind.sh), after `up`
#   test/stack/stack.sh podman up|down|status  a second engine: Debian's podman serving the Docker API on
#                               .stack/podman.sock (`up` needs the docker side up; dockerd is not touched)
#
# Everything it makes lives in .stack/ (gitignored); .stack/stack.json describes the stack for tests.
# Network rule: servers listen on 127.0.0.1 or on 198.18.0.2 inside the namespace made here (198.18.0.0/15
# is reserved for benchmarks); nothing else is touched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="${DOCKHAND_STACK_DIR:-$ROOT/.stack}"
NETNS=dockhand-registry
HOST_IF=dh-reg-host
NS_IF=dh-reg-ns
HOST_ADDR=198.18.0.1
REGISTRY_ADDR=198.18.0.2
EMULATOR_PORT="${DOCKHAND_EMULATOR_PORT:-47123}"
HOSTS_MARK='# dockhand-test-stack'
LINK_RATE="${DOCKHAND_LINK_RATE:-200mbit}"
REAL_DIR="$ROOT/test/stack/real-images"
# name:tag, then the Debian packages each real image is made of (all from bookworm, --variant=minbase).
REAL_IMAGES=(postgres:15 redis:7 app:1)
declare -A REAL_PACKAGES=(
  [postgres:15]=postgresql-15
  [redis:7]=redis-server
  [app:1]=bash,postgresql-client-15,redis-tools,curl,ca-certificates
)
ECR_US=123456789012.dkr.ecr.us-east-1.amazonaws.com
ECR_EU=210987654321.dkr.ecr.eu-west-1.amazonaws.com
PLAIN=registry.dockhand.test
REGISTRY_HOSTS=("$ECR_US" "$ECR_EU" "$PLAIN")

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

need_root() { [[ $(id -u) == 0 ]] || die "the test stack needs root (network namespaces, dockerd); run it as root"; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  [[ -x /bin/busybox ]] || missing+=(busybox-static)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  ((${#missing[@]} == 0)) && return 0
  install_missing "${missing[@]}"
  if ! command -v docker >/dev/null; then die "no docker CLI on PATH after installing docker.io"; fi
}

install_missing() {
  log "installing $* from Debian"
  # Keep package scripts from starting services: this script starts what it needs itself.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' RETURN
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

make_secrets() {
  mkdir -p "$STACK"
  chmod 700 "$STACK"
  if [[ ! -f "$STACK/secrets.json" ]]; then
    local ecr_pw plain_pw
    ecr_pw="$(openssl rand -hex 24)"
    plain_pw="$(openssl rand -hex 24)"
    (umask 077 && printf '{"ecrPassword":"%s","plainUser":"ci-bot","plainPassword":"%s"}\n' "$ecr_pw" "$plain_pw" >"$STACK/secrets.json")
    # htpasswd reads the password from stdin (-i) so it never shows on a command line.
    (umask 077 && printf '%s' "$ecr_pw" | htpasswd -iBc "$STACK/htpasswd" AWS 2>/dev/null)
    printf '%s' "$plain_pw" | htpasswd -iB "$STACK/htpasswd" ci-bot 2>/dev/null
  fi
}

make_certs() {
  [[ -f "$STACK/tls/registry.crt" ]] && return 0
  mkdir -p "$STACK/tls"
  local d="$STACK/tls" san
  san="$(printf 'DNS:%s,' "${REGISTRY_HOSTS[@]}")IP:$REGISTRY_ADDR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=dockhand test CA' \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$ECR_US" -keyout "$d/registry.key" -out "$d/registry.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$d/ext.cnf"
  openssl x509 -req -in "$d/registry.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/ext.cnf" -out "$d/registry.crt" 2>/dev/null
  chmod 600 "$d"/*.key
}

write_hosts() {
  local h
  for h in "${REGISTRY_HOSTS[@]}"; do
    grep -q "^$REGISTRY_ADDR $h " /etc/hosts || printf '%s %s %s\n' "$REGISTRY_ADDR" "$h" "$HOSTS_MARK" >>/etc/hosts
    mkdir -p "/etc/docker/certs.d/$h"
    cp "$STACK/tls/ca.crt" "/etc/docker/certs.d/$h/ca.crt"
  done
}

start_netns() {
  if ! ip netns list | grep -qw "$NETNS"; then
    ip netns add "$NETNS"
  fi
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF"
    ip link set "$NS_IF" netns "$NETNS"
    ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
    ip link set "$HOST_IF" up
    ip netns exec "$NETNS" ip addr add "$REGISTRY_ADDR/30" dev "$NS_IF"
    ip netns exec "$NETNS" ip link set "$NS_IF" up
    ip netns exec "$NETNS" ip link set lo up
  fi
}

start_registry() {
  alive "$STACK/registry.pid" && return 0
  mkdir -p "$STACK/registry-data"
  cat >"$STACK/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STACK/registry-data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR:443
  tls:
    certificate: $STACK/tls/registry.crt
    key: $STACK/tls/registry.key
auth:
  htpasswd:
    realm: dockhand-test-registry
    path: $STACK/htpasswd
EOF
  ip netns exec "$NETNS" setsid docker-registry serve "$STACK/registry.yml" \
    >>"$STACK/registry.log" 2>&1 </dev/null &
  echo $! >"$STACK/registry.pid"
  local i
  for i in $(seq 1 50); do
    curl -s -o /dev/null --cacert "$STACK/tls/ca.crt" "https://$ECR_US/v2/" && return 0
    sleep 0.1
  done
  die "registry did not answer on https://$ECR_US/v2/ (see $STACK/registry.log)"
}

start_dockerd() {
  if docker info >/dev/null 2>&1; then
    alive "$STACK/dockerd.pid" || log "using the dockerd that already runs (not started here, not stopped by down)"
    return 0
  fi
  setsid /usr/sbin/dockerd >>"$STACK/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STACK/dockerd.pid"
  local i
  for i in $(seq 1 150); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "dockerd did not come up in 30 s (see $STACK/dockerd.log)"
}

# Test images from busybox-static, no internet: docker import of a rootfs, then docker build for the
# image with a health check (docker import cannot set one).
build_images() {
  local sum
  sum="$(cat "$ROOT/test/stack/images/"* "$0" | sha256sum | cut -c1-16)"
  [[ -f "$STACK/images.$sum" ]] && return 0
  local work
  work="$(mktemp -d)"
  mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/root" "$work/rootfs/www"
  cp /bin/busybox "$work/rootfs/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$work/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$work/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs/etc/group"
  printf 'PRETTY_NAME="BusyBox (dockhand test image)"\nID=busybox\n' >"$work/rootfs/etc/os-release"
  tar -C "$work/rootfs" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["sh"]' - dockhand-test/shell:1 >/dev/null
  printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20 (dockhand test image)"\n' \
    >"$work/rootfs/etc/os-release"
  tar -C "$work/rootfs" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["sh"]' - dockhand-test/alpine:3 >/dev/null
  DOCKER_BUILDKIT=0 docker build -q -t dockhand-test/web:1 -f "$ROOT/test/stack/images/web.Dockerfile" "$ROOT/test/stack/images" >/dev/null 2>&1 \
    || die "docker build of the web test image failed"
  rm -rf "$work"
  touch "$STACK/images.$sum"
}

# Pushes local dockhand-test/<name:tag> images as <host>/dockhand/<name:tag> for each host given, with
# basic auth from a throw-away docker config (0700, removed right after).
#   push_as "<host> <host>..." <name:tag>...
push_as() {
  local hosts=($1) cfg host img
  shift
  cfg="$(mktemp -d)"
  chmod 700 "$cfg"
  (umask 077 && node -e '
    const [cfg, secrets, ...hosts] = process.argv.slice(1);
    const auth = Buffer.from("AWS:" + require(secrets).ecrPassword).toString("base64");
    const auths = Object.fromEntries(hosts.map((h) => [h, { auth }]));
    require("fs").writeFileSync(cfg + "/config.json", JSON.stringify({ auths }));' "$cfg" "$STACK/secrets.json" "${hosts[@]}")
  for host in "${hosts[@]}"; do
    for img in "$@"; do
      docker tag "dockhand-test/$img" "$host/dockhand/$img"
      DOCKER_CONFIG="$cfg" docker push -q "$host/dockhand/$img" >/dev/null || { rm -rf "$cfg"; die "push of $host/dockhand/$img failed"; }
      docker rmi "$host/dockhand/$img" >/dev/null
    done
  done
  rm -rf "$cfg"
}

# The test images go under every registry name. One registry serves all names, so the blobs are shared;
# pushing under each name gives each name's repositories.
push_images() {
  local sum
  sum="$(docker image inspect --format "{{.Id}}" dockhand-test/shell:1 dockhand-test/alpine:3 dockhand-test/web:1 | sha256sum | cut -c1-16)"
  [[ -f "$STACK/pushed.$sum" ]] && return 0
  push_as "${REGISTRY_HOSTS[*]}" shell:1 alpine:3 web:1
  touch "$STACK/pushed.$sum"
}

# One real image, one step of it: `tarball` makes a Debian root filesystem with mmdebstrap, cached under
# .stack/real-images by a digest of what the image is made of; `import` makes the local image from it.
# Each does nothing when the local image of that digest is there already.
#   real_image tarball|import <name:tag>
real_image() {
  local step="$1" image="$2" sum tarball changes=()
  local hooks=(--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*')
  case "$image" in
    postgres:*)
      hooks+=(--customize-hook="copy-in $REAL_DIR/postgres-entrypoint.sh /usr/local/bin"
        --customize-hook='rm -rf "$1"/var/lib/postgresql/15 "$1"/etc/postgresql/15')
      changes=(--change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'ENV LANG=C.UTF-8'
        --change 'VOLUME /var/lib/postgresql/data' --change 'EXPOSE 5432'
        --change 'ENTRYPOINT ["postgres-entrypoint.sh"]' --change 'CMD ["postgres"]') ;;
    redis:*)
      hooks+=(--customize-hook='mkdir -p "$1"/data && chroot "$1" chown redis:redis /data')
      changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'WORKDIR /data' --change 'VOLUME /data' --change 'EXPOSE 6379' --change 'USER redis'
        --change 'CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no"]') ;;
    app:*)
      changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]') ;;
  esac
  # What the image is made of, with no absolute path in it, so that every checkout shares the cache.
  sum="$( (cat "$REAL_DIR"/* && printf '%s\n' "${REAL_PACKAGES[$image]}" "${hooks[@]//$REAL_DIR/}" "${changes[@]}") | sha256sum | cut -c1-16)"
  tarball="$STACK/real-images/${image%%:*}-$sum.tar"
  [[ "$(docker image inspect --format '{{index .Config.Labels "dockhand.stack.sum"}}' "dockhand-test/$image" 2>/dev/null)" == "$sum" ]] && return 0
  case "$step" in
    tarball)
      [[ -f "$tarball" ]] && return 0
      mkdir -p "$STACK/real-images"
      rm -f "$STACK/real-images/${image%%:*}-"*.tar
      log "building dockhand-test/$image from Debian packages (${REAL_PACKAGES[$image]})"
      mmdebstrap --quiet --variant=minbase --include="${REAL_PACKAGES[$image]}" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' "${hooks[@]}" \
        --format=tar bookworm "$tarball.part" || { rm -f "$tarball.part"; die "mmdebstrap of $image failed"; }
      mv "$tarball.part" "$tarball" ;;
    import)
      docker import "${changes[@]}" --change "LABEL dockhand.stack.sum=$sum" "$tarball" "dockhand-test/$image" >/dev/null ;;
  esac
}

# The real images under the ECR-shaped us-east-1 name only: they are large, and one name is what the
# tests that use them need. The tarballs are built at once: mmdebstrap mostly waits for the archive
# (three at once take ~2.3 min here, one after another ~6 min).
real_images() {
  need_root
  docker info >/dev/null 2>&1 || die "no dockerd answers: run 'test/stack/stack.sh up' first"
  command -v mmdebstrap >/dev/null || install_missing mmdebstrap
  local image sum pid pids=() failed=0
  for image in "${REAL_IMAGES[@]}"; do
    real_image tarball "$image" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  ((failed == 0)) || die "building the real images failed (see above)"
  for image in "${REAL_IMAGES[@]}"; do real_image import "$image"; done
  sum="$(docker image inspect --format "{{.Id}}" "${REAL_IMAGES[@]/#/dockhand-test/}" | sha256sum | cut -c1-16)"
  [[ -f "$STACK/pushed-real.$sum" ]] && { describe_real_images; return 0; }
  push_as "$ECR_US" "${REAL_IMAGES[@]}"
  touch "$STACK/pushed-real.$sum"
  describe_real_images
  log "real images pushed: ${REAL_IMAGES[*]/#/$ECR_US/dockhand/}"
}

# The registry's side of the veth: tc shapes what leaves the namespace, which is what pulls download.
shape() {
  need_root
  case "${1:-}" in
    on)
      ip netns exec "$NETNS" tc qdisc replace dev "$NS_IF" root tbf rate "$LINK_RATE" burst 256kb latency 50ms
      log "registry link limited to $LINK_RATE" ;;
    off)
      ip netns exec "$NETNS" tc qdisc del dev "$NS_IF" root 2>/dev/null || true
      log "registry link not limited" ;;
    status) ip netns exec "$NETNS" tc qdisc show dev "$NS_IF" root ;;
    *) die "usage: test/stack/stack.sh shape on|off|status" ;;
  esac
}

start_emulator() {
  alive "$STACK/emulator.pid" && return 0
  setsid "$ROOT/node_modules/.bin/tsx" "$ROOT/test/stack/ecr-emulator-main.ts" \
    --port "$EMULATOR_PORT" --secrets "$STACK/secrets.json" --request-log "$STACK/emulator-requests.jsonl" \
    >>"$STACK/emulator.log" 2>&1 </dev/null &
  echo $! >"$STACK/emulator.pid"
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$EMULATOR_PORT/_emulator/health" && return 0
    sleep 0.1
  done
  die "ECR emulator did not answer on 127.0.0.1:$EMULATOR_PORT (see $STACK/emulator.log)"
}

# A tiny real credential helper for the stack's registries, so the docker CLI can pull with no login
# before (and independently of) dockhand's own ECR helper.
write_helper_config() {
  mkdir -p "$STACK/bin" "$STACK/docker-config"
  cat >"$STACK/bin/docker-credential-dockhand-stack" <<EOF
#!/usr/bin/env node
// Test credential helper: answers \`get\` for the stack's registries from $STACK/secrets.json.
const s = require('$STACK/secrets.json');
const action = process.argv[2];
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const host = input.trim().replace(/^https?:\\/\\//, '').split('/')[0];
  if (action === 'get') {
    if (host === '$PLAIN') return out({ ServerURL: input.trim(), Username: s.plainUser, Secret: s.plainPassword });
    if (host.endsWith('.amazonaws.com')) return out({ ServerURL: input.trim(), Username: 'AWS', Secret: s.ecrPassword });
  }
  if (action === 'list') return out({});
  process.stdout.write('credentials not found in native keychain\n');
  process.exit(1);
});
function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }
EOF
  chmod 755 "$STACK/bin/docker-credential-dockhand-stack"
  node -e '
    const [file, ...hosts] = process.argv.slice(1);
    const credHelpers = Object.fromEntries(hosts.map((h) => [h, "dockhand-stack"]));
    require("fs").writeFileSync(file, JSON.stringify({ credHelpers }, null, 2) + "\n");' \
    "$STACK/docker-config/config.json" "${REGISTRY_HOSTS[@]}"
}

write_description() {
  REAL_IMAGES="${REAL_IMAGES[*]}" node -e "$REAL_IMAGES_JS"'
    const [file, stack, port, ...hosts] = process.argv.slice(1);
    const d = {
      dir: stack,
      caFile: stack + "/tls/ca.crt",
      secretsFile: stack + "/secrets.json",
      registries: { ecrUsEast1: hosts[0], ecrEuWest1: hosts[1], plain: hosts[2] },
      images: { shell: "dockhand/shell:1", alpine: "dockhand/alpine:3", web: "dockhand/web:1" },
      localImages: { shell: "dockhand-test/shell:1", alpine: "dockhand-test/alpine:3", web: "dockhand-test/web:1" },
      realImages: realImages(),
      stackHelper: { name: "dockhand-stack", binDir: stack + "/bin", dockerConfig: stack + "/docker-config" },
      emulator: { url: "http://127.0.0.1:" + port, requestLog: stack + "/emulator-requests.jsonl" },
    };
    require("fs").writeFileSync(file, JSON.stringify(d, null, 2) + "\n");' \
    "$STACK/stack.json" "$STACK" "$EMULATOR_PORT" "${REGISTRY_HOSTS[@]}"
}

# The real images in stack.json, under the us-east-1 name: written by `up`, and added by `images-real` to
# a description an older `up` wrote.
REAL_IMAGES_JS='function realImages() {
  const names = process.env.REAL_IMAGES.split(" ");
  return Object.fromEntries(names.map((i) => [i.split(":")[0], "dockhand/" + i]));
}'
describe_real_images() {
  REAL_IMAGES="${REAL_IMAGES[*]}" node -e "$REAL_IMAGES_JS"'
    const file = process.argv[1];
    const d = JSON.parse(require("fs").readFileSync(file, "utf8"));
    d.realImages = realImages();
    require("fs").writeFileSync(file, JSON.stringify(d, null, 2) + "\n");' "$STACK/stack.json"
}

up() {
  need_root
  install_packages
  [[ -x "$ROOT/node_modules/.bin/tsx" ]] || die "node_modules missing: run 'npm ci' first"
  make_secrets
  make_certs
  write_hosts # before dockerd starts: it caches /etc/hosts
  start_netns
  start_registry
  start_dockerd
  build_images
  push_images
  write_helper_config
  start_emulator
  write_description
  log "up: registry https://{$ECR_US,$ECR_EU,$PLAIN} on $REGISTRY_ADDR (netns $NETNS), emulator 127.0.0.1:$EMULATOR_PORT"
}

stop_pid() {
  local file="$1" name="$2" i
  [[ -f "$file" ]] || return 0
  local pid
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 10 s; killing"; kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$file"
}

down() {
  need_root
  # The second engines use the stack (its registry, the test images): they go first.
  [[ -f "$STACK/dind.pid" ]] && dind_down
  [[ -f "$STACK/podman.pid" ]] && podman_down
  stop_pid "$STACK/emulator.pid" "ECR emulator"
  stop_pid "$STACK/registry.pid" registry
  stop_pid "$STACK/dockerd.pid" dockerd
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
  sed -i "/$HOSTS_MARK\$/d" /etc/hosts
  local h
  for h in "${REGISTRY_HOSTS[@]}"; do rm -rf "/etc/docker/certs.d/$h"; done
  log "down"
}

status() {
  local s
  for s in dockerd registry emulator; do
    if alive "$STACK/$s.pid"; then echo "$s: running (pid $(cat "$STACK/$s.pid"))"; else echo "$s: not started here"; fi
  done
  docker info >/dev/null 2>&1 && echo "docker: reachable" || echo "docker: unreachable"
}

# shellcheck source=test/stack/dind.sh
source "$ROOT/test/stack/dind.sh"

# --- podman: a second engine beside dockerd, for the hook's podman tests --------------------------------
# Its own socket, store and PID; dockerd, the registry and the emulator are the docker side's and are
# only used, never restarted. The test images come from dockerd's store (`docker save | podman load`).
PODMAN_SOCK="$STACK/podman.sock"
PODMAN_CONF=/etc/containers/containers.conf
PODMAN_CONF_MARK='# dockhand-test-stack: podman for the test stack'

# This VM refuses the rlimits podman asks for by default (nofile and nproc at the hard limit), and crun
# fails on its cgroups: runc and lower limits work. netavark is named: with images in its store already,
# podman would keep CNI. An operator's own containers.conf is never replaced.
write_podman_conf() {
  if [[ -f "$PODMAN_CONF" ]] && ! grep -qF "$PODMAN_CONF_MARK" "$PODMAN_CONF"; then
    log "keeping the existing $PODMAN_CONF (not written by this script): podman may need runc and lower ulimits here"
  else
    mkdir -p /etc/containers
    cat >"$PODMAN_CONF" <<EOF
$PODMAN_CONF_MARK (removed by 'stack.sh podman down')
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=8192:8192"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
EOF
  fi
  local h
  for h in "${REGISTRY_HOSTS[@]}"; do
    mkdir -p "/etc/containers/certs.d/$h"
    cp "$STACK/tls/ca.crt" "/etc/containers/certs.d/$h/ca.crt"
  done
}

podman_docker() { DOCKER_HOST="unix://$PODMAN_SOCK" docker "$@"; }

start_podman() {
  if ! { alive "$STACK/podman.pid" && podman_docker version >/dev/null 2>&1; }; then
    rm -f "$PODMAN_SOCK"
    setsid podman system service --time=0 "unix://$PODMAN_SOCK" >>"$STACK/podman.log" 2>&1 </dev/null &
    echo $! >"$STACK/podman.pid"
    local i
    for i in $(seq 1 100); do
      podman_docker version >/dev/null 2>&1 && break
      ((i < 100)) || die "podman did not answer on $PODMAN_SOCK in 20 s (see $STACK/podman.log)"
      sleep 0.2
    done
  fi
  alive "$STACK/podman-health.pid" && return 0
  setsid bash "$ROOT/test/stack/stack.sh" podman health-timers "$(cat "$STACK/podman.pid")" \
    >>"$STACK/podman.log" 2>&1 </dev/null &
  echo $! >"$STACK/podman-health.pid"
}

# Podman runs each container's health check from a systemd timer, and this VM has no systemd: without
# this loop no health check would ever run ("unable to get systemd connection to add healthchecks").
# It does what those timers do on a real host: `podman healthcheck run` for each running container that
# has a check, first one interval after it is seen, then once per interval. It ends with the podman
# service it serves, and after a day at most.
podman_health_timers() {
  local service_pid="$1" deadline=$((SECONDS + 86400)) now id
  local -A next=() every=()
  while kill -0 "$service_pid" 2>/dev/null && ((SECONDS < deadline)); do
    now="$(date +%s%N)"
    for id in $(podman_api 'containers/json?filters=%7B%22health%22%3A%5B%22starting%22%2C%22healthy%22%2C%22unhealthy%22%5D%7D' |
      grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      if [[ -z "${every[$id]:-}" ]]; then
        every[$id]="$(podman_api "containers/$id/json" | grep -o '"Interval":[0-9]*' | head -1 | cut -d: -f2)"
        every[$id]="${every[$id]:-30000000000}" # Docker's default, 30 s
        next[$id]=$((now + every[$id]))
      elif ((now >= next[$id])); then
        timeout 60 podman healthcheck run "$id" >/dev/null 2>&1 &
        next[$id]=$((now + every[$id]))
      fi
    done
    sleep 0.25
  done
}

podman_api() { curl -s --max-time 5 --unix-socket "$PODMAN_SOCK" "http://podman/v1.41/$1"; }

# The busybox test images, copied from dockerd's store once per set of image ids.
load_podman_images() {
  local images=(dockhand-test/shell:1 dockhand-test/alpine:3 dockhand-test/web:1) sum
  sum="$(docker image inspect --format "{{.Id}}" "${images[@]}" | sha256sum | cut -c1-16)"
  [[ -f "$STACK/podman-images.$sum" ]] && return 0
  docker save "${images[@]}" | podman load -q >/dev/null || die "podman load of the test images failed"
  rm -f "$STACK"/podman-images.*
  touch "$STACK/podman-images.$sum"
}

podman_up() {
  need_root
  [[ -f "$STACK/stack.json" ]] && docker info >/dev/null 2>&1 || die "the docker side is not up: run 'test/stack/stack.sh up' first"
  # netavark with aardvark-dns: podman's network stack that resolves network aliases (the CNI plugins
  # Debian picks without recommends give containers no DNS at all: services unreachable by name).
  if ! command -v podman >/dev/null || [[ ! -x /usr/lib/podman/aardvark-dns ]]; then
    install_missing podman netavark aardvark-dns
  fi
  write_podman_conf
  start_podman
  load_podman_images
  log "podman up: $(podman --version), Docker API on unix://$PODMAN_SOCK"
}

# podman 4.3 keeps a network's bridge (podmanN, with its address) when a container that exited by
# itself is taken off the network before podman's own clean-up of it (docs/engines.md): `down` takes away
# the bridges no podman network names, so the machine keeps no stale private address.
remove_stale_podman_bridges() {
  local used link
  used="$(podman network ls --format '{{.NetworkInterface}}' 2>/dev/null || true)"
  for link in $(ip -br link | awk '$1 ~ /^podman[0-9]+$/ {print $1}'); do
    grep -qx "$link" <<<"$used" || ip link del "$link"
  done
}

podman_down() {
  need_root
  stop_pid "$STACK/podman-health.pid" "podman health timers"
  stop_pid "$STACK/podman.pid" podman
  # netavark starts aardvark-dns for the networks' names; it outlives the service (a stale network too).
  stop_pid /run/containers/networks/aardvark-dns/aardvark.pid aardvark-dns
  remove_stale_podman_bridges
  rm -f "$PODMAN_SOCK"
  if [[ -f "$PODMAN_CONF" ]] && grep -qF "$PODMAN_CONF_MARK" "$PODMAN_CONF"; then rm -f "$PODMAN_CONF"; fi
  local h
  for h in "${REGISTRY_HOSTS[@]}"; do rm -rf "/etc/containers/certs.d/$h"; done
  log "podman down"
}

podman_status() {
  if alive "$STACK/podman.pid"; then echo "podman: running (pid $(cat "$STACK/podman.pid"))"; else echo "podman: not started here"; fi
  podman_docker version >/dev/null 2>&1 && echo "podman socket: reachable" || echo "podman socket: unreachable"
}

podman_command() {
  case "${1:-}" in
    up) podman_up ;;
    down) podman_down ;;
    status) podman_status ;;
    health-timers) podman_health_timers "${2:?the podman service PID}" ;; # started by `podman up`
    *) die "usage: test/stack/stack.sh podman up|down|status" ;;
  esac
}

main() {
  case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    images-real) real_images ;;
    shape) shape "${2:-}" ;;
    dind) dind "${2:-}" ;;
    podman) podman_command "${@:2}" ;;
    *) die "usage: test/stack/stack.sh up|down|status|images-real|shape on|off|status|dind up|down|status|podman up|down|status" ;;
  esac
}

# One line, read whole before it runs: editing this file while it runs cannot make bash run the rest.
main "$@"; exit
