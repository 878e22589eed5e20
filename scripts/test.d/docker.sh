#!/usr/bin/env bash
# Checks docker/ without a Docker engine (CI has none): the Dockerfiles' COPY sources exist and
# are let through their .dockerignore; docker/compose.yaml is well-formed YAML whose build
# contexts, Dockerfiles, services, volumes and /opt/bronpoort paths exist; the entrypoint's
# *_FILE secrets work; and the container's gateway config passes `bronpoort check-config`, and
# is served, with exactly the environment compose gives the gateway service. js-yaml is installed once with npm
# into build/tools/docker-check (ignored by git), never at build time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/gateway-port.sh
. "$ROOT/scripts/lib/gateway-port.sh"
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
TOOLS=$BUILD_DIR/tools/docker-check
log() { printf '\033[1;34m[docker]\033[0m %s\n' "$*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}
cd "$ROOT"

[ -x "$BUILD_DIR/bronpoort" ] || fail "build $BUILD_DIR/bronpoort first"

# 1. Every COPY source of each Dockerfile exists and is not excluded from its build context.
check_dockerfile() {
  local dockerfile=$1 ignore=$1.dockerignore
  [ -f "$ignore" ] || fail "$ignore is missing (without it the whole checkout is sent as context)"
  local srcs
  # COPY lines that take files from the context (not --from=stage); the last word is the target.
  srcs=$(sed -n 's/^COPY \+\([^-].*\)$/\1/p' "$dockerfile" | awk '{ for (i = 1; i < NF; i++) print $i }')
  [ -n "$srcs" ] || fail "no COPY found in $dockerfile"
  local src
  for src in $srcs; do
    [ -e "$src" ] || fail "$dockerfile copies '$src', which does not exist in the repository"
    local allowed=0 pattern
    while read -r pattern; do
      pattern=${pattern#!}
      case "$src" in "$pattern" | "${pattern%/}" | "${pattern%/}"/*) allowed=1 ;; esac
    done < <(grep '^!' "$ignore")
    [ $allowed -eq 1 ] || fail "$dockerfile copies '$src', but $ignore does not let it through (add !$src)"
  done
}
check_dockerfile docker/Dockerfile
check_dockerfile docker/postgres/Dockerfile
log "OK: the Dockerfiles' COPY sources exist and are in their build contexts"

# 1b. The build stage installs every development package scripts/run.sh builds with (but the test
# and benchmark libraries). CI's engine test (docker-engine.sh) runs the image with the host's
# binaries and skips this stage, so a library added to run.sh alone would break only operators'
# `docker build`: caught here instead.
run_dev=$(sed -n '/^PACKAGES=(/,/^)/p' scripts/run.sh | sed 's/#.*//' | tr ' ' '\n' | grep -- '-dev$' |
  grep -vx 'libgtest-dev\|libgmock-dev\|libbenchmark-dev' | sort -u)
stage_pkgs=$(awk '/^FROM /{ stage++ } stage == 1' docker/Dockerfile | grep -oE '[a-z0-9.+-]+-dev( |$)' |
  tr -d ' ' | sort -u)
[ -n "$run_dev" ] || fail "found no -dev packages in scripts/run.sh's PACKAGES"
missing=$(comm -23 <(echo "$run_dev") <(echo "$stage_pkgs"))
[ -z "$missing" ] || fail "docker/Dockerfile's build stage lacks $(echo "$missing" | tr '\n' ' ')(in scripts/run.sh's PACKAGES)"
log "OK: the build stage installs every -dev package scripts/run.sh builds with"

# 2. Shell scripts that go into the images parse, and are executable (COPY keeps the mode).
for script in docker/entrypoint.sh docker/init-demo-db.sh docker/postgres/entrypoint.sh \
  scripts/load-demo-pg.sh docker/verify-in-chroot.sh docker/verify-services.sh; do
  [ -x "$script" ] || fail "$script is not executable"
  case "$(head -1 "$script")" in
    *bash*) bash -n "$script" || fail "$script does not parse" ;;
    *) sh -n "$script" || fail "$script does not parse" ;;
  esac
done

# 3. The entrypoint reads NAME_FILE into NAME and refuses an unreadable file.
WORK=$(mktemp -d /tmp/bronpoort-docker-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
printf 'secret-from-a-file\n' >"$WORK/secret"
got=$(env -u BRONPOORT_PSEUDONYM_KEY BRONPOORT_PSEUDONYM_KEY_FILE="$WORK/secret" \
  docker/entrypoint.sh sh -c 'printf "%s|%s" "$BRONPOORT_PSEUDONYM_KEY" "${BRONPOORT_PSEUDONYM_KEY_FILE:-unset}"')
[ "$got" = "secret-from-a-file|unset" ] || fail "entrypoint.sh: BRONPOORT_PSEUDONYM_KEY_FILE gave '$got'"
if PGPASSWORD_FILE="$WORK/missing" docker/entrypoint.sh true 2>/dev/null; then
  fail "entrypoint.sh accepted an unreadable PGPASSWORD_FILE"
fi
log "OK: entrypoint.sh reads *_FILE secrets"

# 4. compose.yaml: well-formed YAML and every reference resolves. Prints the gateway service's
# environment (NAME=value lines, ${VAR:-default} taking the default as compose would when the
# variable is unset) and the --config path it serves, for step 5.
if [ ! -f "$TOOLS/node_modules/js-yaml/package.json" ]; then
  log "installing js-yaml into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error js-yaml@4 >&2
fi
NODE_PATH=$TOOLS/node_modules node - "$ROOT" "$WORK" <<'JS' || fail "docker/compose.yaml: see above"
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");
const [root, work] = process.argv.slice(2);
const dir = path.join(root, "docker");
const file = path.join(dir, "compose.yaml");
const errors = [];
let doc;
try {
  doc = yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
} catch (e) {
  console.error(`docker/compose.yaml is not well-formed YAML: ${e.message}`);
  process.exit(1);
}
// Compose interpolation for the forms compose.yaml uses; unset variables take their default.
const interpolate = (s) =>
  String(s).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_, name, def) => process.env[name] ?? def ?? "");
const services = doc.services || {};
const volumes = Object.keys(doc.volumes || {});
// Files the image holds under /opt/bronpoort come from the same path in the repository, by one
// of docker/Dockerfile's COPY lines (the runtime stage's WORKDIR is /opt/bronpoort).
const inImage = (p) => (p.startsWith("/opt/bronpoort/") ? path.join(root, p.slice(15)) : null);
const copied = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8").split("\n")
  .filter((l) => /^COPY [^-]/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
const isCopied = (local) => {
  const rel = path.relative(root, local);
  return copied.some((c) => rel === c.replace(/\/$/, "") || rel.startsWith(c.endsWith("/") ? c : c + "/"));
};
if (!services.gateway) errors.push("no service 'gateway'");
// Debian's compose v1 (1.29) refuses a top-level `name`.
if ("name" in doc) errors.push("top-level `name:` breaks docker-compose v1; use -p or COMPOSE_PROJECT_NAME");
// An image several services share must not declare VOLUME: each container of it would leave an
// anonymous volume behind on `down` without -v.
if (/^VOLUME\b/m.test(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8"))) {
  errors.push("docker/Dockerfile declares VOLUME; mount named volumes in compose instead");
}
for (const [name, svc] of Object.entries(services)) {
  const where = `services.${name}`;
  if (svc.build) {
    const ctx = path.resolve(dir, svc.build.context || ".");
    const df = path.resolve(ctx, svc.build.dockerfile || "Dockerfile");
    if (!fs.existsSync(ctx)) errors.push(`${where}.build.context ${ctx} does not exist`);
    if (!fs.existsSync(df)) errors.push(`${where}.build.dockerfile ${df} does not exist`);
  } else if (!svc.image) {
    errors.push(`${where} has neither build nor image`);
  }
  if (!svc.healthcheck && svc.restart !== "no") errors.push(`${where} has no healthcheck`);
  // A one-shot service would inherit the image's HEALTHCHECK and show "unhealthy" after exit 0.
  if (svc.restart === "no" && !(svc.healthcheck && svc.healthcheck.disable === true)) {
    errors.push(`${where} runs once (restart: "no") but does not disable the image's healthcheck`);
  }
  for (const dep of Object.keys(svc.depends_on || {})) {
    if (!services[dep]) errors.push(`${where}.depends_on names unknown service ${dep}`);
    if (!svc.depends_on[dep].condition) errors.push(`${where}.depends_on.${dep} has no condition`);
  }
  const nm = svc.network_mode || "";
  if (nm.startsWith("service:") && !services[nm.slice(8)]) errors.push(`${where}.network_mode names unknown service`);
  for (const v of svc.volumes || []) {
    const source = typeof v === "string" ? v.split(":")[0] : v.source;
    if (/^[.\/~]/.test(source)) {
      if (!fs.existsSync(path.resolve(dir, source))) errors.push(`${where} mounts ${source}, which does not exist`);
    } else if (!volumes.includes(source)) {
      errors.push(`${where} mounts volume ${source}, not declared under volumes:`);
    }
  }
  for (const f of [].concat(svc.env_file || [])) {
    if (!fs.existsSync(path.resolve(dir, f))) errors.push(`${where}.env_file ${f} does not exist`);
  }
  const words = [].concat(svc.command || [], svc.entrypoint || [], (svc.healthcheck || {}).test || []);
  for (const w of words.map(String)) {
    const local = inImage(w);
    if (local && !fs.existsSync(local)) errors.push(`${where} refers to ${w}, but ${path.relative(root, local)} does not exist`);
    else if (local && !isCopied(local)) errors.push(`${where} refers to ${w}, but docker/Dockerfile does not COPY ${path.relative(root, local)}`);
  }
}
const gw = services.gateway || {};
// The demo keys are public: with the defaults, every published port is on loopback only.
for (const [name, svc] of Object.entries(services)) {
  for (const p of svc.ports || []) {
    const published = typeof p === "string" ? interpolate(p) : `${p.host_ip || ""}:${p.published}`;
    if (!/^127\.0\.0\.1:/.test(published)) {
      errors.push(`services.${name} publishes ${published} beyond loopback by default (demo keys are public)`);
    }
  }
}
const cmd = (gw.command || []).map(String);
const config = cmd[cmd.indexOf("--config") + 1];
if (!cmd.includes("--config") || !inImage(config || "")) errors.push("services.gateway.command must name --config /opt/bronpoort/...");
// The image's own default command must serve the same config as compose does.
const defaultCmd = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8").match(/^CMD (\[.*\])$/m);
if (!defaultCmd || !JSON.parse(defaultCmd[1]).includes(config)) errors.push(`docker/Dockerfile's CMD does not serve ${config}`);
if (errors.length) {
  errors.forEach((e) => console.error(`docker/compose.yaml: ${e}`));
  process.exit(1);
}
const env = Object.entries(gw.environment || {}).map(([k, v]) => `${k}=${interpolate(v)}`);
fs.writeFileSync(path.join(work, "gateway.env"), env.join("\n") + "\n");
fs.writeFileSync(path.join(work, "gateway.config"), inImage(config));
JS
log "OK: docker/compose.yaml is well-formed and its references resolve"

# 5. The container config is valid with exactly compose's environment for the gateway (nothing
# inherited from this shell, so a variable compose forgets to set fails here).
CONFIG=$(cat "$WORK/gateway.config")
mapfile -t GATEWAY_ENV <"$WORK/gateway.env"
env -i PATH="$PATH" "${GATEWAY_ENV[@]}" "$BUILD_DIR/bronpoort" check-config --config "$CONFIG" >&2 ||
  fail "$CONFIG does not pass check-config with compose's gateway environment"

# 6. The container config keeps every setting of config/gateway.json (section and key; values
# may differ): one added there and forgotten here would silently take its default in the image.
# Only the demo key files are left out on purpose: there the secrets come from the environment.
missing=$(node -e '
  const fs = require("fs");
  const [a, b] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f)));
  const omitted = ["processingLog.pseudonymKeyFile", "linkage.pseudonymKeyFile"];
  const out = [];
  for (const [k, v] of Object.entries(a)) {
    if (!(k in b)) { out.push(k); continue; }
    if (v && typeof v === "object" && !Array.isArray(v))
      for (const kk of Object.keys(v))
        if (!(kk in b[k]) && !omitted.includes(`${k}.${kk}`)) out.push(`${k}.${kk}`);
  }
  console.log(out.join(" "));
' config/gateway.json "$CONFIG")
[ -z "$missing" ] || fail "$CONFIG lacks setting(s) of config/gateway.json: $missing"
log "OK: the container gateway config is valid and has every setting of config/gateway.json"

# 7. Beyond check-config, `serve` opens the store, builds every stage and listens: serve the
# container config for real, with compose's gateway environment, on a free port and a throwaway
# store, until /healthz answers. The copy sits beside the original so its relative paths hold.
SERVE_CONFIG=$(dirname "$CONFIG")/.docker-check-gateway.$$.json
node -e '
  const fs = require("fs");
  const c = JSON.parse(fs.readFileSync(process.argv[1]));
  c.server.listeners = [{address: "127.0.0.1", port: 0}];
  c.store.path = process.argv[3];
  fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$CONFIG" "$SERVE_CONFIG" "$WORK/gateway.db"
env -i PATH="$PATH" "${GATEWAY_ENV[@]}" "$BUILD_DIR/bronpoort" serve --config "$SERVE_CONFIG" \
  2>"$WORK/serve.log" >&2 &
GATEWAY=$!
trap 'kill $GATEWAY 2>/dev/null; rm -f "$SERVE_CONFIG"; rm -rf "$WORK"' EXIT
PORT=$(gateway_port "$WORK/serve.log" $GATEWAY) || case $? in
  1) cat "$WORK/serve.log" >&2; fail "the gateway does not start with compose's environment" ;;
  *) cat "$WORK/serve.log" >&2; fail "the gateway did not report its port" ;;
esac
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || fail "/healthz does not answer"
log "OK: the gateway serves the container config with compose's environment (/healthz answers)"
