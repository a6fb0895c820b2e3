#!/usr/bin/env bash
# Installs and starts what Stagecraft needs from the operating system on Debian 12:
# Docker Engine (docker.io), debootstrap and busybox-static (local base images, no registry needed),
# Chromium (browser tests) and PostgreSQL (the deployment database, tested alongside SQLite).
# Idempotent: installs only what is missing and starts only what is not running. Needs root.
set -euo pipefail

log() { printf '\033[1m[prereqs]\033[0m %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "install-prereqs: run as root (sudo bash scripts/install-prereqs.sh): it installs Debian packages and starts dockerd." >&2
  exit 1
fi

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
[ -x /bin/busybox ] || need+=(busybox-static)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" ca-certificates >/dev/null
else
  log "Debian packages present"
fi

if ! command -v node >/dev/null; then
  echo "install-prereqs: Node.js 20 or newer is required and is not installed (Debian 12's own nodejs is 18: use NodeSource or nvm)." >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "install-prereqs: Node.js 20 or newer is required (found $(node -v))." >&2
  exit 1
fi

# Docker Engine: use systemd where it runs, else start dockerd directly.
if ! docker info >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    log "starting docker with systemctl"
    systemctl start docker
  else
    log "starting dockerd (log: /var/log/dockerd.log)"
    setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "install-prereqs: dockerd did not come up; see /var/log/dockerd.log" >&2; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}') ready"

# PostgreSQL: a local cluster with a role and database for the PostgreSQL test suite.
if command -v pg_lsclusters >/dev/null; then
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -n "$cluster" ]; then
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster status >/dev/null 2>&1 || pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='stagecraft'\"" | grep -q 1 ||
      su postgres -c "psql -qc \"CREATE ROLE stagecraft LOGIN PASSWORD 'stagecraft' CREATEDB\""
    su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='stagecraft_test'\"" | grep -q 1 ||
      su postgres -c "psql -qc \"CREATE DATABASE stagecraft_test OWNER stagecraft\""
    log "postgresql ready (postgresql://stagecraft:stagecraft@127.0.0.1:5432/stagecraft_test)"
  fi
fi
