#!/usr/bin/env bash
# Offline checks of deploy/kubernetes/ (no cluster is contacted): every manifest is well-formed
# with a known kind; the Deployment carries the hardening of docker/compose.yaml (non-root user of
# the image, read-only root, no capabilities, no privilege escalation, RuntimeDefault seccomp),
# probes on the gateway's /readyz and /healthz, a grace period longer than the gateway's own;
# every Secret key, ConfigMap and port it names exists; the Service and the PodDisruptionBudget
# select its pods; and the ConfigMap's gateway.json passes `bronpoort check-config`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BRONPOORT_BUILD_DIR:-$ROOT/build}
TOOLS=$BUILD_DIR/tools/docker-check
log() { printf '\033[1;34m[kubernetes]\033[0m %s\n' "$*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}
[ -x "$BUILD_DIR/bronpoort" ] || fail "build $BUILD_DIR/bronpoort first"
if [ ! -f "$TOOLS/node_modules/js-yaml/package.json" ]; then
  log "installing js-yaml into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error js-yaml@4 >&2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

NODE_PATH=$TOOLS/node_modules node - "$ROOT" "$WORK" <<'JS' || fail "deploy/kubernetes: see above"
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");
const [root, work] = process.argv.slice(2);
const dir = path.join(root, "deploy", "kubernetes");
const errors = [];
const known = {
  ConfigMap: "v1", Secret: "v1", Service: "v1", Deployment: "apps/v1",
  PodDisruptionBudget: "policy/v1", NetworkPolicy: "networking.k8s.io/v1",
  Kustomization: "kustomize.config.k8s.io/v1beta1",
};
const docs = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
  let all;
  try {
    all = yaml.loadAll(fs.readFileSync(path.join(dir, f), "utf8"), null, { filename: f });
  } catch (e) {
    errors.push(`${f} is not well-formed YAML: ${e.message}`);
    continue;
  }
  for (const d of all.filter(Boolean)) {
    if (known[d.kind] !== d.apiVersion) errors.push(`${f}: unknown kind/apiVersion ${d.kind} ${d.apiVersion}`);
    if (d.kind !== "Kustomization" && !(d.metadata && d.metadata.name)) errors.push(`${f}: ${d.kind} without metadata.name`);
    (docs[d.kind] = docs[d.kind] || []).push({ file: f, doc: d });
  }
}
const one = (kind) => (docs[kind] || [])[0] ? docs[kind][0].doc : null;
const kust = one("Kustomization");
if (!kust) errors.push("no kustomization.yaml");
for (const r of (kust && kust.resources) || []) {
  if (!fs.existsSync(path.join(dir, r))) errors.push(`kustomization names ${r}, which does not exist`);
}
if (kust && (kust.resources || []).some((r) => /secret/.test(r))) errors.push("the example Secret must not be in kustomization.yaml");

const dep = one("Deployment");
const secret = one("Secret");
const cm = one("ConfigMap");
const dockerfile = fs.readFileSync(path.join(root, "docker", "Dockerfile"), "utf8");
const imageUser = Number((dockerfile.match(/^USER (\d+):/m) || [])[1]);
let gateway = null;
try {
  gateway = JSON.parse(cm.data["gateway.json"]);
} catch (e) {
  errors.push(`configmap.yaml: gateway.json is not JSON: ${e.message}`);
}
if (!dep) {
  errors.push("no Deployment");
} else {
  const pod = dep.spec.template.spec;
  const labels = dep.spec.template.metadata.labels || {};
  const sel = dep.spec.selector.matchLabels || {};
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) errors.push(`Deployment selector ${k}=${v} does not match its pods`);
  const psc = pod.securityContext || {};
  if (psc.runAsNonRoot !== true) errors.push("pod securityContext.runAsNonRoot must be true");
  if (psc.runAsUser !== imageUser) errors.push(`pod runAsUser ${psc.runAsUser} is not the image's USER ${imageUser}`);
  if (!psc.seccompProfile || psc.seccompProfile.type !== "RuntimeDefault") errors.push("pod seccompProfile must be RuntimeDefault");
  if (pod.automountServiceAccountToken !== false) errors.push("automountServiceAccountToken must be false");
  const grace = gateway && gateway.server ? gateway.server.shutdownGraceMs : 0;
  if (!(pod.terminationGracePeriodSeconds * 1000 > grace)) errors.push(`terminationGracePeriodSeconds must exceed server.shutdownGraceMs (${grace} ms)`);
  const volumes = Object.fromEntries((pod.volumes || []).map((v) => [v.name, v]));
  for (const c of pod.containers) {
    const w = `container ${c.name}`;
    const sc = c.securityContext || {};
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${w}: allowPrivilegeEscalation must be false`);
    if (sc.readOnlyRootFilesystem !== true) errors.push(`${w}: readOnlyRootFilesystem must be true`);
    if (sc.privileged) errors.push(`${w}: must not be privileged`);
    if (!sc.capabilities || !(sc.capabilities.drop || []).includes("ALL")) errors.push(`${w}: must drop ALL capabilities`);
    const ports = Object.fromEntries((c.ports || []).map((p) => [p.name, p.containerPort]));
    if (ports.http !== 8080) errors.push(`${w}: port http must be 8080, the gateway's listener`);
    const probe = (p, pathWanted, name) => {
      if (!p || !p.httpGet || p.httpGet.path !== pathWanted || !(p.httpGet.port in ports)) errors.push(`${w}: ${name} must GET ${pathWanted} on a named port`);
    };
    probe(c.readinessProbe, "/readyz", "readinessProbe");
    probe(c.livenessProbe, "/healthz", "livenessProbe");
    if (!c.resources || !c.resources.limits || !c.resources.limits.memory) errors.push(`${w}: needs a memory limit`);
    const args = c.args || [];
    const cfgPath = args[args.indexOf("--config") + 1] || "";
    const mounted = (c.volumeMounts || []).find((m) => cfgPath.startsWith(m.mountPath + "/"));
    if (!mounted || !volumes[mounted.name] || !volumes[mounted.name].configMap) {
      errors.push(`${w}: --config ${cfgPath} is not in a mounted ConfigMap`);
    } else {
      const key = cfgPath.slice(mounted.mountPath.length + 1);
      if (volumes[mounted.name].configMap.name !== cm.metadata.name || !(key in cm.data)) errors.push(`${w}: ConfigMap ${volumes[mounted.name].configMap.name} has no ${key}`);
    }
    if (!(c.volumeMounts || []).some((m) => m.mountPath === "/tmp")) errors.push(`${w}: /tmp must be a writable volume (the root is read-only)`);
    const env = Object.fromEntries((c.env || []).map((e) => [e.name, e]));
    const chain = env.BRONPOORT_LOG_CHAIN_ID;
    if (!chain || !chain.valueFrom || chain.valueFrom.fieldRef.fieldPath !== "metadata.name") errors.push(`${w}: BRONPOORT_LOG_CHAIN_ID must come from metadata.name (one chain per pod)`);
    // The environment check-config runs with below: the container's, secrets as placeholders.
    fs.writeFileSync(path.join(work, "env"), (c.env || []).map((e) =>
      `${e.name}=${e.value !== undefined ? e.value : "check-only-value-of-at-least-32-bytes-xx"}`).join("\n") + "\n");
    for (const e of c.env || []) {
      const ref = e.valueFrom && e.valueFrom.secretKeyRef;
      if (!ref) continue;
      if (!secret || ref.name !== secret.metadata.name || !(ref.key in (secret.stringData || {}))) errors.push(`${w}: ${e.name} names secret key ${ref.name}/${ref.key}, which the example Secret lacks`);
    }
  }
  const svc = one("Service");
  for (const [k, v] of Object.entries((svc && svc.spec.selector) || {})) if (labels[k] !== v) errors.push(`Service selector ${k}=${v} matches no pod`);
  if (svc && !svc.spec.ports.every((p) => p.targetPort === "http")) errors.push("Service must target the named port http");
  const pdb = one("PodDisruptionBudget");
  for (const [k, v] of Object.entries((pdb && pdb.spec.selector.matchLabels) || {})) if (labels[k] !== v) errors.push(`PodDisruptionBudget selector ${k}=${v} matches no pod`);
  if (pdb && !(pdb.spec.minAvailable < dep.spec.replicas)) errors.push("PodDisruptionBudget minAvailable must be below replicas, or no node can ever drain");
}
if (secret && Object.values(secret.stringData || {}).some((v) => !/CHANGE-ME|example/.test(v) && v.length > 20)) {
  errors.push("secret.example.yaml must hold placeholders only");
}
if (gateway) {
  // The image holds the repository under /opt/bronpoort: point the paths at this checkout.
  const text = JSON.stringify(gateway).split("/opt/bronpoort/").join(root + "/");
  fs.writeFileSync(path.join(work, "gateway.json"), text);
}
if (errors.length) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
JS
log "OK: manifests well-formed, hardened, and consistent with each other and the image"

# With exactly the container's environment: a variable the config needs and the Deployment does not
# set fails here.
mapfile -t CONTAINER_ENV <"$WORK/env"
env -i PATH="$PATH" "${CONTAINER_ENV[@]}" \
  "$BUILD_DIR/bronpoort" check-config --config "$WORK/gateway.json" >&2 ||
  fail "the ConfigMap's gateway.json does not pass check-config"
log "OK: the ConfigMap's gateway.json passes check-config"
