#!/usr/bin/env bash
# Emulates `docker compose up` where there is no Docker engine, by hand (not CI: it downloads a
# Debian base system and builds Release, which takes long on 2 cores). As root, on Debian:
#   apt-get install debootstrap && docker/verify-in-chroot.sh [WORKDIR]   (default /tmp/bronpoort-chroot)
# 1. debootstraps bookworm (minbase: what debian:bookworm and -slim are made of) once;
# 2. runs the Dockerfiles' instructions in chroots of it: RUN, ARG, ENV, WORKDIR and COPY (also
#    COPY --from=binaries, which is the build stage), so the package lists, the build and the
#    file layout are the ones in docker/Dockerfile and docker/postgres/Dockerfile, read from
#    those files;
# 3. starts the compose services in one private network namespace (as with the demo source's
#    network_mode: service:gateway; "postgres" resolves to loopback) with compose's demo
#    environment, runs each HEALTHCHECK command, and sends requests through the gateway to the
#    HTTP demo source and to the PostgreSQL registry.
# A stage whose root already exists is not redone: remove WORKDIR/NAME to redo it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${1:-/tmp/bronpoort-chroot}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf '\033[1;34m[chroot]\033[0m %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "run as root (debootstrap, chroot, unshare)"; exit 1; }
mkdir -p "$WORK"

base() {
  if [ ! -f "$WORK/base/.done" ]; then
    log "debootstrap bookworm (minbase) into $WORK/base"
    rm -rf "$WORK/base"
    debootstrap --variant=minbase bookworm "$WORK/base" "$MIRROR" >"$WORK/base.log" 2>&1
    # The suites the debian:bookworm images have, so packages come at the same versions.
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
      "$MIRROR" "$MIRROR" "$MIRROR" >"$WORK/base/etc/apt/sources.list"
    touch "$WORK/base/.done"
  fi
}

# The instructions of one stage of a Dockerfile, continuation lines joined: "INSTR args".
stage_instructions() { # DOCKERFILE STAGE-INDEX (0-based)
  awk -v want="$2" '
    /^[[:space:]]*#/ { next }
    { line = line $0 }
    /\\$/ { sub(/\\$/, "", line); next }
    line ~ /^FROM / { stage++ }
    stage - 1 == want && line !~ /^FROM / && line ~ /[^[:space:]]/ { print line }
    { line = "" }' "$1"
}

in_root() { # ROOT CMD... : run a shell command in the chroot with the stage's environment
  local root=$1
  shift
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root "${STAGE_ENV[@]}" /bin/sh -c "$*"
}

# Applies RUN, ARG, ENV, WORKDIR and COPY of a stage to ROOT; records USER, HEALTHCHECK, CMD,
# ENTRYPOINT in ROOT/.image for step 3.
apply_stage() { # DOCKERFILE STAGE-INDEX ROOT [BUILD-ROOT for COPY --from]
  local dockerfile=$1 index=$2 root=$3 from_root=${4:-} workdir=/ instr args
  STAGE_ENV=()
  : >"$root/.image"
  while IFS= read -r line; do
    instr=${line%% *}
    args=${line#* }
    case "$instr" in
      ARG) [[ "$args" == *=* ]] && STAGE_ENV+=("$args") ;;
      ENV)
        # shellcheck disable=SC2086
        for kv in $args; do STAGE_ENV+=("$(in_root "$root" "echo $kv")"); done
        ;;
      WORKDIR)
        workdir=$args
        mkdir -p "$root$workdir"
        ;;
      RUN)
        log "RUN ${args:0:100}..."
        in_root "$root" "cd $workdir && $args"
        ;;
      COPY)
        local src_root=$ROOT words dest
        if [[ "$args" == --from=* ]]; then
          src_root=$from_root
          args=${args#* }
        fi
        read -r -a words <<<"$args"
        dest=${words[-1]}
        [[ "$dest" == /* ]] || dest=$workdir/$dest
        for src in "${words[@]:0:${#words[@]}-1}"; do
          [[ "$src_root" == "$ROOT" ]] || src=${src#/}
          if [[ "$dest" == */ ]]; then
            mkdir -p "$root$dest"
            if [ -d "$src_root/$src" ]; then cp -a "$src_root/${src%/}/." "$root$dest"; else cp -a "$src_root/$src" "$root$dest"; fi
          else
            mkdir -p "$(dirname "$root$dest")"
            cp -a "$src_root/$src" "$root$dest"
          fi
        done
        ;;
      USER | HEALTHCHECK | CMD | ENTRYPOINT) echo "$line" >>"$root/.image" ;;
      EXPOSE | VOLUME) ;;
      *) log "unsupported instruction: $line" && exit 1 ;;
    esac
  done < <(stage_instructions "$dockerfile" "$index")
  printf '%s\n' "${STAGE_ENV[@]}" >"$root/.env"
}

# Unmounts what in_root mounted: never remove a root while /dev is bound into it.
release() {
  umount "$1/proc" 2>/dev/null || true
  umount "$1/dev" 2>/dev/null || true
}

image() { # NAME DOCKERFILE STAGE-INDEX [BUILD-ROOT]
  local name=$1
  if [ ! -f "$WORK/$name/.done" ]; then
    log "image stage $name from $2 (stage $3)"
    release "$WORK/$name"
    rm -rf --one-file-system "${WORK:?}/$name"
    cp -a "$WORK/base" "$WORK/$name"
    apply_stage "$2" "$3" "$WORK/$name" "${4:-}"
    touch "$WORK/$name/.done"
  fi
}

# STEPS (default all) lets a long build stage be run apart from the rest.
for step in ${STEPS:-base build runtime postgres services}; do
  case "$step" in
    base) base ;;
    build) image build "$ROOT/docker/Dockerfile" 0 ;;
    # Stage 1 is `binaries`, the build stage by default (BRONPOORT_BINARIES): no instructions.
    runtime) image runtime "$ROOT/docker/Dockerfile" 2 "$WORK/build" ;;
    postgres) image postgres "$ROOT/docker/postgres/Dockerfile" 0 ;;
    services)
      log "images: $(du -shx "$WORK/runtime" | cut -f1) gateway runtime, $(du -shx "$WORK/postgres" | cut -f1) postgres"
      # --- 3. the compose services, in a private network namespace --------------------------
      unshare --net --fork bash "$ROOT/docker/verify-services.sh" "$WORK"
      ;;
    *) log "unknown step $step" && exit 2 ;;
  esac
done
