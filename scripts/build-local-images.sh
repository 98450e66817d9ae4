#!/usr/bin/env bash
# Build, from Debian's packages, the container images archsim's generated files and
# `archsim up --db container` name, for machines with a Docker engine but no image registry
# (like an air-gapped mirror). Each image is tagged with the name the generated files use, so
# `FROM`/`image:` resolve without a pull:
#   postgres:16  Debian bookworm's PostgreSQL (15) with an entrypoint honouring the official
#                image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB / PGDATA (and PGPORT,
#                which the server reads itself); also tagged postgres:16-alpine, which the
#                generated compose files name (Debian inside, not Alpine).
#   node:20-bookworm-slim  a minimal Debian bookworm with this machine's Node 20 binary in
#                /usr/local/bin (as the official image has it): the base of the reference
#                services' image, which `archsim up --runtime compose` builds from the repository;
#                also tagged node:20-slim, which the generated scaffolds' Dockerfiles name (the
#                official node:20-slim is bookworm-slim too). No npm in it: nothing archsim
#                generates runs npm in an image build.
#   nginxinc/nginx-unprivileged:1.27-alpine  Debian bookworm's nginx (1.22) run as uid 101 with
#                `daemon off`, its default logs on stdout/stderr and wget for the health check,
#                as the official image: the gateway the generated compose files name for an
#                nginx gateway (Debian inside, not Alpine).
# Cached: an image this script built from the same inputs is kept; a tag that exists and was not
# built here (e.g. the real image, pulled) is never replaced. --force rebuilds ours.
# Needs root, docker (an engine answering) and mmdebstrap. Usage: scripts/build-local-images.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
force=${1:-}
suite=${ARCHSIM_IMAGE_SUITE:-bookworm}
mirror=${ARCHSIM_IMAGE_MIRROR:-}

# The Debian root file system with PostgreSQL, imported as a base image (the slow part, about
# a minute unloaded: cached under its own tag, keyed by the suite and the package set).
build_base() {
  local tag="archsim/debian-postgresql:$suite"
  if docker image inspect "$tag" >/dev/null 2>&1 && [ "$force" != "--force" ]; then return 0; fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  echo "building $tag from Debian $suite's packages…"
  local t0=$SECONDS
  # postgresql-common would create a default cluster at install: the entrypoint makes its own.
  mmdebstrap --quiet --variant=minbase --include=postgresql \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/archsim.conf"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$suite" "$tmp/rootfs.tar" $mirror
  docker import --change "LABEL org.archsim.build=base-$suite" "$tmp/rootfs.tar" "$tag" >/dev/null
  echo "built $tag in $((SECONDS - t0)) s"
}

# Is the image under this tag one to keep? Yes when it was not built here (e.g. the real image,
# pulled) or when it is our build of the same inputs (fingerprint $2), unless --force.
keep_image() {
  local tag=$1 fp=$2 have
  docker image inspect "$tag" >/dev/null 2>&1 || return 1
  have=$(docker image inspect -f '{{ index .Config.Labels "org.archsim.build" }}' "$tag" 2>/dev/null || true)
  if [ -z "$have" ] || [ "$have" = "<no value>" ]; then
    echo "$tag exists and was not built here: kept"
    return 0
  fi
  if [ "$have" = "$fp" ] && [ "$force" != "--force" ]; then
    echo "$tag is up to date ($fp): kept"
    return 0
  fi
  return 1
}

build_postgres() {
  local tag=postgres:16
  # The inputs' fingerprint: how it is built (these functions, not the whole script: a change to
  # another image's recipe leaves this one), the entrypoint and the suite.
  local fp
  fp=$(cat <(declare -f build_postgres build_base) "$here/images/postgres-entrypoint.sh" <(echo "$suite") | sha256sum | cut -c1-16)
  keep_image "$tag" "$fp" && return 0
  build_base
  local ctx
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' RETURN
  cp "$here/images/postgres-entrypoint.sh" "$ctx/"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM archsim/debian-postgresql:$suite
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 5432
# As the official image: SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for clients).
STOPSIGNAL SIGINT
LABEL org.archsim.build=$fp
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
DOCKERFILE
  # The classic builder: it resolves FROM from the local images, with no registry to ask. (Its
  # deprecation notice is only shown when the build fails.)
  if ! DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then
    cat "$ctx/build.log" >&2
    return 1
  fi
  echo "built $tag ($fp)"
}

# Node 20 on a minimal Debian: no registry needed, and nothing downloaded but Debian's packages.
# The binary is this machine's own Node 20 (it needs only glibc and libstdc++, both in minbase).
build_node() {
  local tag=node:20-bookworm-slim node_bin version fp
  node_bin=$(readlink -f "$(command -v node)")
  version=$("$node_bin" --version)
  case "$version" in v20.*) ;; *) echo "the node on PATH is $version, not Node 20: $tag not built" >&2; return 1 ;; esac
  fp=$(cat <(declare -f build_node) <(echo "$suite $version") | sha256sum | cut -c1-16)
  keep_image "$tag" "$fp" && return 0
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  echo "building $tag from Debian $suite's packages and $node_bin ($version)…"
  local t0=$SECONDS
  mmdebstrap --quiet --variant=minbase \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="copy-in $node_bin /usr/local/bin" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$suite" "$tmp/rootfs.tar" $mirror
  docker import --change "LABEL org.archsim.build=$fp" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    --change 'CMD ["node"]' "$tmp/rootfs.tar" "$tag" >/dev/null
  echo "built $tag in $((SECONDS - t0)) s"
}

# The nginx gateway image the generated compose files name: Debian's nginx, unprivileged (uid 101,
# as the official image), every path it writes under /tmp (the generated nginx.conf puts its pid
# and temporary files there; the default logs, opened before the configuration is read, go to
# stdout/stderr), wget for the health check.
build_nginx() {
  local tag=nginxinc/nginx-unprivileged:1.27-alpine fp
  fp=$(cat <(declare -f build_nginx) <(echo "$suite") | sha256sum | cut -c1-16)
  keep_image "$tag" "$fp" && return 0
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  echo "building $tag from Debian $suite's packages…"
  local t0=$SECONDS
  mmdebstrap --quiet --variant=minbase --include=nginx,wget \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='ln -sf /dev/stdout "$1/var/log/nginx/access.log" && ln -sf /dev/stderr "$1/var/log/nginx/error.log"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$suite" "$tmp/rootfs.tar" $mirror
  docker import --change "LABEL org.archsim.build=$fp" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    --change 'USER 101' --change 'EXPOSE 8080' \
    --change 'CMD ["nginx", "-g", "daemon off;"]' "$tmp/rootfs.tar" "$tag" >/dev/null
  echo "built $tag in $((SECONDS - t0)) s"
}

# node:20-slim, the scaffolds' base: the same image as node:20-bookworm-slim, unless it exists and
# was not built here.
alias_node() {
  local alias=node:20-slim have
  have=$(docker image inspect -f '{{ index .Config.Labels "org.archsim.build" }}' "$alias" 2>/dev/null || echo absent)
  if [ "$have" = absent ] || { [ -n "$have" ] && [ "$have" != "<no value>" ]; }; then
    docker tag node:20-bookworm-slim "$alias"
    echo "tagged $alias (the same image)"
  else
    echo "$alias exists and was not built here: kept"
  fi
}

# Other names the generated files use for the same server: tagged to it unless they exist and
# were not built here.
alias_postgres() {
  local alias
  for alias in postgres:16-alpine; do
    local have
    have=$(docker image inspect -f '{{ index .Config.Labels "org.archsim.build" }}' "$alias" 2>/dev/null || echo absent)
    if [ "$have" = absent ] || { [ -n "$have" ] && [ "$have" != "<no value>" ]; }; then
      docker tag postgres:16 "$alias"
      echo "tagged $alias (the same image)"
    else
      echo "$alias exists and was not built here: kept"
    fi
  done
}

docker version --format '{{.Server.Version}}' >/dev/null || { echo "no Docker engine answers: nothing built" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is not installed (apt-get install mmdebstrap)" >&2; exit 1; }
build_postgres
alias_postgres
build_node
alias_node
build_nginx
# Earlier builds of ours that a rebuild left untagged (each a full copy on vfs storage).
docker image prune -f --filter label=org.archsim.build >/dev/null
