// Offline checks of the Kubernetes deployment (deploy/k8s) and the Dockerfiles, run by node's test runner:
//   (cd tests/k8s && npm ci && npm test)
//
// 1. Every manifest parses, and kustomization.yaml lists exactly the manifest files of deploy/k8s.
// 2. Every object is valid against the Kubernetes OpenAPI schemas (package kubernetes-models), and has no field
//    those schemas do not know (what `kubectl apply --validate=strict` would reject).
// 3. The objects agree with each other (selectors, ports, config and secret references, RBAC, PDB, HPA) and
//    with the hosts' deployment contract, src/Hosting/Operations/DeploymentContract.cs (ports, paths, variables).
// 4. The Dockerfiles agree with the contract and with the projects they build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const manifestDir = path.join(root, "deploy/k8s");
const contractFile = path.join(root, "src/Hosting/Operations/DeploymentContract.cs");

// What this deployment consists of; the checks below look these objects up by name.
const NAMESPACE = "ticketing";
const SILO = { deployment: "ticketing-silo", container: "silo", image: "ticketing-silo", serviceAccount: "ticketing-silo" };
const API = { deployment: "ticketing-api", container: "api", image: "ticketing-api" };
const POSTGRES = { statefulSet: "ticketing-postgres", container: "postgres", service: "ticketing-postgres" };
const MIGRATE_CONTAINER = "migrate";

// The kinds a manifest may contain, each with its schema; any other kind fails the schema check.
const MODELS = new Map(
  [ConfigMap, Namespace, Secret, Service, ServiceAccount, Deployment, StatefulSet, Job, HorizontalPodAutoscaler,
    PodDisruptionBudget, Role, RoleBinding].map((model) => [`${model.apiVersion}/${model.kind}`, model]),
);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
  "PriorityClass"]);
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "Job"]);

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** The constants of DeploymentContract.cs: `public const int|string Name = value;`. */
function readContract() {
  const source = readFileSync(contractFile, "utf8");
  const constants = {};
  for (const match of source.matchAll(/public\s+const\s+(int|string)\s+(\w+)\s*=\s*([^;]+?)\s*;/g)) {
    const [, type, name, literal] = match;
    if (type === "int") {
      assert.match(literal, /^\d+$/, `${name}: not an integer literal: ${literal}`);
      constants[name] = Number(literal);
    } else {
      assert.match(literal, /^"(?:[^"\\]|\\.)*"$/, `${name}: not a plain string literal: ${literal}`);
      constants[name] = JSON.parse(literal);
    }
  }
  return constants;
}

function manifestFiles() {
  return readdirSync(manifestDir)
    .filter((file) => /\.ya?ml$/.test(file) && file !== "kustomization.yaml" && file !== "kustomization.yml")
    .sort();
}

/** Every YAML document of deploy/k8s: { file, index, object } or { file, index, error }. */
function loadManifests() {
  const documents = [];
  for (const file of manifestFiles()) {
    const text = readFileSync(path.join(manifestDir, file), "utf8");
    // YAML 1.1, as Kubernetes reads manifests: an unquoted yes/no/on/off is a boolean there, not a string.
    parseAllDocuments(text, { version: "1.1" }).forEach((doc, index) => {
      if (doc.errors.length > 0) {
        documents.push({ file, index, error: doc.errors.map((e) => e.message).join("; ") });
      } else {
        const object = doc.toJS();
        if (object !== null && object !== undefined) documents.push({ file, index, object });
      }
    });
  }
  return documents;
}

function loadKustomization() {
  const file = path.join(manifestDir, "kustomization.yaml");
  return parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" })[0].toJS();
}

// A broken contract file fails its own check below (and those that use it), not the loading of this file.
let contract = {};
let contractError;
try {
  contract = readContract();
} catch (error) {
  contractError = error;
}
const documents = loadManifests();
const objects = documents.filter((d) => d.object).map((d) => ({ ...d.object, __file: d.file }));

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const describe = (o) => `${o.kind}/${o.metadata?.name} (${o.__file})`;
const ofKind = (kind) => objects.filter((o) => o.kind === kind);

function find(kind, name) {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  assert.equal(found.length, 1, `expected exactly one ${kind} named ${name}, found ${found.length}`);
  return found[0];
}

const workloads = () => objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const podSpec = (workload) => workload.spec.template.spec;
const podLabels = (workload) => workload.spec.template.metadata?.labels ?? {};
const allContainers = (spec) => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

function container(workload, name) {
  const found = allContainers(podSpec(workload)).filter((c) => c.name === name);
  assert.equal(found.length, 1, `${describe(workload)}: expected one container named ${name}`);
  return found[0];
}

const siloDeployment = () => find("Deployment", SILO.deployment);
const apiDeployment = () => find("Deployment", API.deployment);
const siloContainer = () => container(siloDeployment(), SILO.container);
const apiContainer = () => container(apiDeployment(), API.container);

/** A label selector ({ matchLabels, matchExpressions }) applied to a label set. */
function selectorMatches(selector, labels) {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === "In" && !(has && values.includes(labels[key]))) return false;
    if (operator === "NotIn" && has && values.includes(labels[key])) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const isEmptySelector = (selector) =>
  !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);

/** The workloads whose pods a selector (label selector or a Service's plain map) selects. */
function selectedWorkloads(selector) {
  return workloads().filter((w) => selectorMatches(selector, podLabels(w)));
}

/** A container's port number for a probe/Service port given as a number or a port name. */
function resolvePort(containers, port) {
  if (typeof port === "number") {
    return containers.some((c) => (c.ports ?? []).some((p) => p.containerPort === port)) ? port : undefined;
  }
  for (const c of containers) {
    const named = (c.ports ?? []).find((p) => p.name === port);
    if (named) return named.containerPort;
  }
  return undefined;
}

function secretData(secret) {
  const data = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) data[key] = Buffer.from(value, "base64").toString("utf8");
  return { ...data, ...(secret.stringData ?? {}) };
}

/** An environment variable's value as the container would see it; fieldRef values as "fieldRef:PATH". */
function envValue(c, name) {
  const entry = (c.env ?? []).find((e) => e.name === name);
  assert.ok(entry, `container ${c.name}: no environment variable ${name}`);
  if (entry.value !== undefined) return entry.value;
  const from = entry.valueFrom ?? {};
  if (from.configMapKeyRef) return find("ConfigMap", from.configMapKeyRef.name).data?.[from.configMapKeyRef.key];
  if (from.secretKeyRef) return secretData(find("Secret", from.secretKeyRef.name))[from.secretKeyRef.key];
  if (from.fieldRef) return `fieldRef:${from.fieldRef.fieldPath}`;
  assert.fail(`container ${c.name}: cannot resolve ${name}`);
}

const envNames = (c) => (c.env ?? []).map((e) => e.name);

/**
 * The fields of a value that a schema validator never looked at. The compiled validators read every property
 * their schema declares and enumerate the keys of free-form maps (labels, data, resources), so a key they never
 * touched is unknown to the schema: a typo such as "terminationGracePeriodSecond", which plain schema validation
 * accepts because Kubernetes' schemas allow additional properties.
 */
function unknownFields(validate, value) {
  const infos = [];
  const proxies = new WeakMap();
  const wrap = (target, where) => {
    if (target === null || typeof target !== "object") return target;
    if (proxies.has(target)) return proxies.get(target);
    const info = { target, where, read: new Set(), enumerated: false };
    infos.push(info);
    const child = (key) => (Array.isArray(target) ? `${where}[${key}]` : `${where}.${key}`);
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === "string") info.read.add(key);
        return wrap(Reflect.get(t, key, receiver), typeof key === "string" ? child(key) : where);
      },
      has(t, key) {
        if (typeof key === "string") info.read.add(key);
        return Reflect.has(t, key);
      },
      ownKeys(t) {
        info.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  validate.call(wrap(value, ""));
  const unknown = [];
  for (const info of infos) {
    if (Array.isArray(info.target) || info.enumerated) continue;
    for (const key of Object.keys(info.target)) {
      if (!info.read.has(key)) unknown.push(`${info.where}.${key}`.replace(/^\./, ""));
    }
  }
  return unknown;
}

const withoutFile = ({ __file, ...object }) => object;

// Names: metadata names are DNS-1123 subdomains (labels for Services and Namespaces), container and port names
// DNS-1123 labels / IANA service names.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

// ---------------------------------------------------------------------------------------------------------------
// 1. Files

test("the deployment contract defines the constants the manifests use", () => {
  assert.equal(contractError, undefined, `cannot read ${contractFile}: ${contractError?.message}`);
  for (const name of ["HttpPort", "SiloPort", "GatewayPort", "LivenessPath", "ReadinessPath", "MetricsPath",
    "ConnectionStringVariable", "ApiModeVariable", "ClusterIdVariable", "ServiceIdVariable",
    "KubernetesServiceIdVariable", "KubernetesClusterIdVariable", "PodNameVariable", "PodIpVariable",
    "PodNamespaceVariable", "DashboardUserVariable", "DashboardPasswordVariable", "ShutdownSeconds"]) {
    assert.ok(Object.hasOwn(contract, name), `DeploymentContract.cs has no constant ${name}`);
  }
});

test("every manifest file parses as YAML", () => {
  assert.ok(manifestFiles().length > 0, "deploy/k8s has no manifests");
  const broken = documents.filter((d) => d.error).map((d) => `${d.file} (document ${d.index + 1}): ${d.error}`);
  assert.deepEqual(broken, []);
});

test("kustomization.yaml lists exactly the manifest files of deploy/k8s", () => {
  const kustomization = loadKustomization();
  assert.equal(kustomization.kind, "Kustomization");
  const listed = kustomization.resources ?? [];
  assert.deepEqual(listed.filter((r, i) => listed.indexOf(r) !== i), [], "files listed twice");
  assert.deepEqual([...listed].sort(), manifestFiles(), "kustomization.yaml resources differ from the files present");
});

test("kustomization.yaml puts everything in the ticketing namespace, which a manifest creates", () => {
  assert.equal(loadKustomization().namespace, NAMESPACE);
  find("Namespace", NAMESPACE);
});

test("every object has apiVersion, kind and a unique name", () => {
  const seen = new Set();
  for (const o of objects) {
    assert.ok(o.apiVersion && o.kind && o.metadata?.name, `${o.__file}: an object without apiVersion, kind or name`);
    const key = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    assert.ok(!seen.has(key), `${describe(o)} is defined twice`);
    seen.add(key);
  }
});

test("namespaced objects name the ticketing namespace themselves, as kustomize would set it", () => {
  for (const o of objects) {
    if (CLUSTER_SCOPED.has(o.kind)) {
      assert.equal(o.metadata.namespace, undefined, `${describe(o)} is cluster-scoped`);
    } else {
      assert.equal(o.metadata.namespace, NAMESPACE, `${describe(o)}: metadata.namespace`);
    }
  }
});

test("names are valid Kubernetes names", () => {
  for (const o of objects) {
    const pattern = ["Service", "Namespace"].includes(o.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
    assert.match(o.metadata.name, pattern, `${describe(o)}: metadata.name`);
    assert.ok(o.metadata.name.length <= (pattern === DNS_LABEL ? 63 : 253), `${describe(o)}: name too long`);
    for (const labels of [o.metadata.labels ?? {}, o.spec?.template?.metadata?.labels ?? {}]) {
      for (const [key, value] of Object.entries(labels)) {
        const [prefix, name] = key.includes("/") ? key.split("/") : [undefined, key];
        if (prefix !== undefined) assert.match(prefix, DNS_SUBDOMAIN, `${describe(o)}: label prefix of ${key}`);
        assert.match(name, LABEL_NAME, `${describe(o)}: label key ${key}`);
        assert.ok(name.length <= 63, `${describe(o)}: label key ${key} too long`);
        assert.equal(typeof value, "string", `${describe(o)}: label ${key} must be a string`);
        assert.match(value, LABEL_VALUE, `${describe(o)}: label ${key}=${value}`);
        assert.ok(value.length <= 63, `${describe(o)}: label value of ${key} too long`);
      }
    }
  }
  for (const w of workloads()) {
    for (const c of allContainers(podSpec(w))) {
      assert.match(c.name, DNS_LABEL, `${describe(w)}: container name ${c.name}`);
      for (const p of c.ports ?? []) {
        if (p.name === undefined) continue;
        assert.ok(p.name.length <= 15, `${describe(w)}: port name ${p.name} longer than 15 characters`);
        assert.match(p.name, IANA_SVC_NAME, `${describe(w)}: port name ${p.name}`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Kubernetes schemas

test("every object is valid against its Kubernetes schema", async (t) => {
  for (const o of objects) {
    await t.test(describe(o), () => {
      const model = MODELS.get(`${o.apiVersion}/${o.kind}`);
      assert.ok(model, `no schema for apiVersion ${o.apiVersion}, kind ${o.kind}: unknown or unexpected kind`);
      new model(withoutFile(o)).validate();
    });
  }
});

test("no object has a field its schema does not define", async (t) => {
  for (const o of objects) {
    await t.test(describe(o), (st) => {
      const model = MODELS.get(`${o.apiVersion}/${o.kind}`);
      try {
        new model(withoutFile(o)).validate();
      } catch {
        // A validator that found an error stops early and leaves fields unread: nothing to tell here.
        st.skip("no schema or not valid against it: see the schema check");
        return;
      }
      assert.deepEqual(unknownFields(model.prototype.validate, withoutFile(o)), [], "unknown fields");
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Cross-references

test("workload selectors match their own pod template labels", () => {
  for (const w of workloads()) {
    if (w.kind === "Job") continue;
    assert.ok(!isEmptySelector(w.spec.selector), `${describe(w)}: empty selector`);
    assert.ok(selectorMatches(w.spec.selector, podLabels(w)), `${describe(w)}: selector does not match its pod labels`);
  }
});

test("no two workloads select each other's pods", () => {
  for (const w of workloads()) {
    if (w.kind === "Job") continue;
    const overlapping = workloads().filter((other) => other !== w && selectorMatches(w.spec.selector, podLabels(other)));
    assert.deepEqual(overlapping.map(describe), [], `${describe(w)}: its selector also matches other workloads' pods`);
  }
});

test("every Service selects the pods of a workload", () => {
  for (const s of ofKind("Service")) {
    const selector = { matchLabels: s.spec.selector ?? {} };
    assert.ok(!isEmptySelector(selector), `${describe(s)}: no selector`);
    assert.ok(selectedWorkloads(selector).length > 0, `${describe(s)}: selects no workload's pods`);
  }
});

test("every Service targetPort is a container port of the selected pods", () => {
  for (const s of ofKind("Service")) {
    for (const w of selectedWorkloads({ matchLabels: s.spec.selector ?? {} })) {
      for (const p of s.spec.ports) {
        const target = p.targetPort ?? p.port;
        assert.ok(resolvePort(podSpec(w).containers, target) !== undefined,
          `${describe(s)}: port ${p.name ?? p.port} targets ${target}, which no container of ${describe(w)} exposes`);
      }
    }
  }
});

test("a StatefulSet's serviceName is a headless Service selecting its pods", () => {
  for (const set of ofKind("StatefulSet")) {
    const service = find("Service", set.spec.serviceName);
    assert.equal(service.spec.clusterIP, "None", `${describe(service)} must be headless`);
    assert.ok(selectedWorkloads({ matchLabels: service.spec.selector }).includes(set), `${describe(service)} does not select ${describe(set)}`);
  }
});

test("silo and API pods expose the contract's ports", () => {
  const ports = (c) => Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
  assert.deepEqual(ports(siloContainer()), { http: contract.HttpPort, silo: contract.SiloPort, gateway: contract.GatewayPort });
  assert.deepEqual(ports(apiContainer()), { http: contract.HttpPort });
  for (const c of [siloContainer(), apiContainer()]) {
    assert.equal(envValue(c, "ASPNETCORE_HTTP_PORTS"), String(contract.HttpPort), `${c.name}: ASPNETCORE_HTTP_PORTS`);
  }
});

test("silo and API probes use the contract's health paths on its HTTP port", async (t) => {
  for (const c of [siloContainer(), apiContainer()]) {
    await t.test(c.name, () => {
      const probe = (kind) => {
        const p = c[kind];
        assert.ok(p?.httpGet, `${c.name}: ${kind} must be an HTTP probe`);
        assert.equal(resolvePort([c], p.httpGet.port), contract.HttpPort, `${c.name}: ${kind} port`);
        return p.httpGet.path;
      };
      assert.equal(probe("livenessProbe"), contract.LivenessPath, "livenessProbe path");
      assert.equal(probe("readinessProbe"), contract.ReadinessPath, "readinessProbe path");
      assert.ok([contract.LivenessPath, contract.ReadinessPath].includes(probe("startupProbe")), "startupProbe path");
      // Liveness must not fire before startup has had its time.
      const startupBudget = (c.startupProbe.periodSeconds ?? 10) * (c.startupProbe.failureThreshold ?? 3);
      assert.ok(startupBudget >= 60, `${c.name}: startupProbe allows only ${startupBudget}s`);
    });
  }
});

test("silo env has the contract's variables, from the right sources", () => {
  const c = siloContainer();
  for (const name of ["ConnectionStringVariable", "ClusterIdVariable", "ServiceIdVariable", "KubernetesServiceIdVariable",
    "KubernetesClusterIdVariable", "PodNameVariable", "PodIpVariable", "PodNamespaceVariable",
    "DashboardUserVariable", "DashboardPasswordVariable"]) {
    assert.ok(envNames(c).includes(contract[name]), `silo env lacks ${contract[name]} (${name})`);
  }
  assert.equal(envValue(c, contract.PodNameVariable), "fieldRef:metadata.name");
  assert.equal(envValue(c, contract.PodNamespaceVariable), "fieldRef:metadata.namespace");
  // The address the silo advertises in the membership table: its pod's IP.
  assert.equal(envValue(c, contract.PodIpVariable), "fieldRef:status.podIP");
  assert.ok(!envNames(c).includes(contract.ApiModeVariable), "the silo must not set the API's Orleans mode");
});

test("API env has the contract's variables and runs as an Orleans client", () => {
  const c = apiContainer();
  for (const name of ["ApiModeVariable", "ConnectionStringVariable", "ClusterIdVariable", "ServiceIdVariable",
    "DashboardUserVariable", "DashboardPasswordVariable"]) {
    assert.ok(envNames(c).includes(contract[name]), `API env lacks ${contract[name]} (${name})`);
  }
  assert.equal(envValue(c, contract.ApiModeVariable), "Client");
});

test("no container sets an environment variable twice", () => {
  for (const w of workloads()) {
    for (const c of allContainers(podSpec(w))) {
      const names = envNames(c);
      assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `${describe(w)}, container ${c.name}`);
    }
  }
});

test("silos and API share one Orleans identity, which the silo pod labels carry", () => {
  const silo = siloContainer();
  const api = apiContainer();
  const serviceId = envValue(silo, contract.ServiceIdVariable);
  const clusterId = envValue(silo, contract.ClusterIdVariable);
  assert.ok(serviceId && clusterId, "ServiceId and ClusterId must resolve to values");
  assert.equal(envValue(silo, contract.KubernetesServiceIdVariable), serviceId);
  assert.equal(envValue(silo, contract.KubernetesClusterIdVariable), clusterId);
  assert.equal(envValue(api, contract.ServiceIdVariable), serviceId);
  assert.equal(envValue(api, contract.ClusterIdVariable), clusterId);
  assert.equal(podLabels(siloDeployment())["orleans/serviceId"], serviceId);
  assert.equal(podLabels(siloDeployment())["orleans/clusterId"], clusterId);
  for (const key of ["orleans/serviceId", "orleans/clusterId"]) {
    assert.ok(!Object.hasOwn(podLabels(apiDeployment()), key), `API pods must not carry ${key}: they are not silos`);
  }
});

test("every configMapKeyRef and secretKeyRef names a defined object and key", () => {
  for (const w of workloads()) {
    const spec = podSpec(w);
    for (const c of allContainers(spec)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const kind = e.valueFrom.configMapKeyRef ? "ConfigMap" : "Secret";
        const source = find(kind, ref.name);
        const keys = kind === "ConfigMap" ? Object.keys(source.data ?? {}) : Object.keys(secretData(source));
        assert.ok(keys.includes(ref.key), `${describe(w)}, ${c.name}, ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      }
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) find("ConfigMap", from.configMapRef.name);
        if (from.secretRef) find("Secret", from.secretRef.name);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.configMap) find("ConfigMap", v.configMap.name);
      if (v.secret) find("Secret", v.secret.secretName);
    }
  }
});

test("every serviceAccountName names a defined ServiceAccount", () => {
  for (const w of workloads()) {
    const name = podSpec(w).serviceAccountName;
    if (name !== undefined) find("ServiceAccount", name);
  }
  assert.equal(podSpec(siloDeployment()).serviceAccountName, SILO.serviceAccount);
});

test("the RoleBinding binds the silo Role to the silo ServiceAccount", () => {
  const bindings = ofKind("RoleBinding").filter((b) =>
    (b.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.name === SILO.serviceAccount));
  assert.equal(bindings.length, 1, "expected one RoleBinding for the silo ServiceAccount");
  const [binding] = bindings;
  assert.equal(binding.roleRef.kind, "Role");
  assert.equal(binding.roleRef.apiGroup, "rbac.authorization.k8s.io");
  find("Role", binding.roleRef.name);
  const subject = binding.subjects.find((s) => s.name === SILO.serviceAccount);
  assert.equal(subject.namespace, NAMESPACE, "the subject's namespace");
  // The Orleans Kubernetes integration authenticates with the pod's ServiceAccount token.
  assert.notEqual(podSpec(siloDeployment()).automountServiceAccountToken, false, "silo pods need their token");
  assert.notEqual(find("ServiceAccount", SILO.serviceAccount).automountServiceAccountToken, false, "silo pods need their token");
});

test("the silo Role grants get, list, watch and patch on pods, and no wildcard", () => {
  const binding = ofKind("RoleBinding").find((b) => (b.subjects ?? []).some((s) => s.name === SILO.serviceAccount));
  const role = find("Role", binding.roleRef.name);
  const verbs = new Set();
  for (const rule of role.rules) {
    for (const field of ["apiGroups", "resources", "verbs"]) {
      assert.ok(!(rule[field] ?? []).includes("*"), `${describe(role)}: wildcard in ${field}`);
    }
    if ((rule.apiGroups ?? []).includes("") && (rule.resources ?? []).includes("pods")) rule.verbs.forEach((v) => verbs.add(v));
  }
  for (const verb of ["get", "list", "watch", "patch"]) assert.ok(verbs.has(verb), `pods: missing verb ${verb}`);
});

test("the silo PodDisruptionBudget selects exactly the silo pods and allows a drain", () => {
  const budgets = ofKind("PodDisruptionBudget").filter((p) => selectorMatches(p.spec.selector, podLabels(siloDeployment())));
  assert.equal(budgets.length, 1, "expected one PodDisruptionBudget for the silo pods");
  const [pdb] = budgets;
  assert.deepEqual(selectedWorkloads(pdb.spec.selector).map(describe), [describe(siloDeployment())]);
  const { minAvailable, maxUnavailable } = pdb.spec;
  assert.ok((minAvailable === undefined) !== (maxUnavailable === undefined), "set one of minAvailable, maxUnavailable");
  if (maxUnavailable !== undefined) assert.ok(maxUnavailable === 1 || maxUnavailable === "1", "maxUnavailable 1");
  if (minAvailable !== undefined) assert.ok(minAvailable === 1 || minAvailable === "1", "minAvailable 1");
});

test("every PodDisruptionBudget selects the pods of exactly one workload", () => {
  for (const pdb of ofKind("PodDisruptionBudget")) {
    assert.equal(selectedWorkloads(pdb.spec.selector).length, 1, `${describe(pdb)}`);
  }
});

test("the HorizontalPodAutoscaler scales the silo Deployment on CPU, from 2 silos", () => {
  const hpas = ofKind("HorizontalPodAutoscaler");
  assert.equal(hpas.length, 1);
  const [hpa] = hpas;
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: SILO.deployment });
  assert.ok(hpa.spec.minReplicas >= 2, "minReplicas >= 2");
  assert.ok(hpa.spec.maxReplicas > hpa.spec.minReplicas, "maxReplicas > minReplicas");
  const cpu = (hpa.spec.metrics ?? []).find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  assert.ok(cpu?.resource.target.type === "Utilization" && cpu.resource.target.averageUtilization > 0, "a CPU utilisation target");
  // A utilisation target is relative to the request: the silo must have one.
  assert.ok(siloContainer().resources?.requests?.cpu, "the silo container needs a CPU request");
  // The HPA owns the replica count; a count in the Deployment would be re-applied by every kubectl apply.
  const replicas = siloDeployment().spec.replicas;
  assert.ok(replicas === undefined, `the silo Deployment sets replicas (${replicas}); leave it to the HPA`);
});

test("pods get more time to stop than the silo's drain takes", () => {
  for (const w of [siloDeployment(), apiDeployment()]) {
    const grace = podSpec(w).terminationGracePeriodSeconds;
    assert.equal(typeof grace, "number", `${describe(w)}: set terminationGracePeriodSeconds`);
    // A preStop sleep runs before SIGTERM and counts against the grace period.
    const preStop = podSpec(w).containers.map((c) => c.lifecycle?.preStop?.exec?.command ?? [])
      .map((cmd) => (cmd[0] === "sleep" ? Number(cmd[1]) : 0));
    const before = Math.max(0, ...preStop);
    assert.ok(grace > contract.ShutdownSeconds + before,
      `${describe(w)}: terminationGracePeriodSeconds ${grace} must exceed ShutdownSeconds ${contract.ShutdownSeconds} + preStop ${before}`);
  }
});

test("the silo Deployment rolls out by surging, never below its replica count", () => {
  const strategy = siloDeployment().spec.strategy;
  assert.equal(strategy?.type, "RollingUpdate");
  assert.ok(strategy.rollingUpdate.maxUnavailable === 0 || strategy.rollingUpdate.maxUnavailable === "0%",
    `maxUnavailable is ${strategy.rollingUpdate.maxUnavailable}`);
  assert.ok(strategy.rollingUpdate.maxSurge === 1 || /^[1-9]/.test(String(strategy.rollingUpdate.maxSurge)), "maxSurge >= 1");
});

test("every container requests CPU without a CPU limit, and bounds its memory", () => {
  for (const w of workloads()) {
    for (const c of allContainers(podSpec(w))) {
      const where = `${describe(w)}, container ${c.name}`;
      assert.ok(c.resources?.requests?.cpu !== undefined, `${where}: no CPU request`);
      assert.equal(c.resources?.limits?.cpu, undefined, `${where}: has a CPU limit`);
      assert.ok(c.resources?.requests?.memory !== undefined, `${where}: no memory request`);
      assert.ok(c.resources?.limits?.memory !== undefined, `${where}: no memory limit`);
    }
  }
});

test("every pod meets the restricted Pod Security profile the namespace enforces", () => {
  assert.equal(find("Namespace", NAMESPACE).metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
  const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
  for (const w of workloads()) {
    const spec = podSpec(w);
    const pod = spec.securityContext ?? {};
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) assert.notEqual(spec[host], true, `${describe(w)}: ${host}`);
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== "name");
      assert.ok(allowedVolumes.includes(type), `${describe(w)}: volume ${v.name} of type ${type}`);
    }
    assert.notEqual(pod.runAsUser, 0, `${describe(w)}: runAsUser 0`);
    for (const c of [...allContainers(spec), ...(spec.ephemeralContainers ?? [])]) {
      const where = `${describe(w)}, container ${c.name}`;
      const sc = c.securityContext ?? {};
      assert.ok(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && pod.runAsNonRoot === true), `${where}: runAsNonRoot`);
      assert.notEqual(sc.runAsUser, 0, `${where}: runAsUser 0`);
      const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
      assert.ok(["RuntimeDefault", "Localhost"].includes(seccomp), `${where}: seccompProfile`);
      assert.notEqual(sc.privileged, true, `${where}: privileged`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation must be false`);
      assert.ok((sc.capabilities?.drop ?? []).includes("ALL"), `${where}: must drop ALL capabilities`);
      assert.ok((sc.capabilities?.add ?? []).every((cap) => cap === "NET_BIND_SERVICE"), `${where}: adds capabilities`);
      assert.ok((c.ports ?? []).every((p) => p.hostPort === undefined), `${where}: hostPort`);
    }
  }
});

test("the schema is applied by the silo image's migrate command before each silo starts", () => {
  const migrate = container(siloDeployment(), MIGRATE_CONTAINER);
  assert.ok((podSpec(siloDeployment()).initContainers ?? []).includes(migrate), "migrate must be an init container");
  assert.equal(migrate.image, siloContainer().image, "migrate runs the silo image");
  assert.deepEqual(migrate.args, ["migrate"]);
  assert.equal(migrate.command, undefined, "keep the image's entrypoint (dotnet Ticketing.Silo.dll)");
  assert.equal(envValue(migrate, contract.ConnectionStringVariable), envValue(siloContainer(), contract.ConnectionStringVariable));
});

test("the connection string reaches the PostgreSQL of the manifests with its credentials", () => {
  const connectionString = envValue(siloContainer(), contract.ConnectionStringVariable);
  assert.equal(envValue(apiContainer(), contract.ConnectionStringVariable), connectionString);
  const parts = Object.fromEntries(connectionString.split(";").filter(Boolean).map((kv) => {
    const i = kv.indexOf("=");
    return [kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim()];
  }));
  const service = find("Service", POSTGRES.service);
  assert.equal(parts.host, service.metadata.name, "Host is the postgres Service");
  const port = Number(parts.port ?? 5432);
  assert.ok(service.spec.ports.some((p) => p.port === port), `the postgres Service has no port ${port}`);
  const postgres = container(find("StatefulSet", POSTGRES.statefulSet), POSTGRES.container);
  assert.equal(parts.username, envValue(postgres, "POSTGRES_USER"), "Username");
  assert.equal(parts.password, envValue(postgres, "POSTGRES_PASSWORD"), "Password");
  assert.equal(parts.database, envValue(postgres, "POSTGRES_DB"), "Database");
  const isReady = postgres.readinessProbe?.exec?.command ?? [];
  assert.equal(isReady[0], "pg_isready", "postgres readiness probe runs pg_isready");
  assert.equal(isReady[isReady.indexOf("-U") + 1], parts.username, "pg_isready user");
  const claims = find("StatefulSet", POSTGRES.statefulSet).spec.volumeClaimTemplates ?? [];
  assert.ok(claims.length > 0, "postgres keeps its data on a PersistentVolumeClaim");
  assert.ok(postgres.volumeMounts.some((m) => claims.some((c) => c.metadata.name === m.name)), "the claim is mounted");
});

test("every volumeMount names a volume of its pod", () => {
  for (const w of workloads()) {
    const names = [...(podSpec(w).volumes ?? []), ...(w.spec.volumeClaimTemplates ?? []).map((c) => c.metadata)].map((v) => v.name);
    for (const c of allContainers(podSpec(w))) {
      for (const m of c.volumeMounts ?? []) assert.ok(names.includes(m.name), `${describe(w)}, ${c.name}: no volume ${m.name}`);
    }
  }
});

test("silo and API run the images their Dockerfiles build, without re-pulling a local :latest", () => {
  const image = (c) => c.image.replace(/:[^/:]+$/, "");
  assert.equal(image(siloContainer()), SILO.image);
  assert.equal(image(apiContainer()), API.image);
  for (const c of [siloContainer(), apiContainer(), container(siloDeployment(), MIGRATE_CONTAINER)]) {
    if (c.image.endsWith(":latest")) assert.equal(c.imagePullPolicy, "IfNotPresent", `${c.name}: imagePullPolicy`);
  }
});

test("Prometheus scrape annotations point at the contract's metrics endpoint", () => {
  for (const w of [siloDeployment(), apiDeployment()]) {
    const annotations = w.spec.template.metadata.annotations ?? {};
    assert.equal(annotations["prometheus.io/path"], contract.MetricsPath, `${describe(w)}`);
    assert.equal(annotations["prometheus.io/port"], String(contract.HttpPort), `${describe(w)}`);
  }
});

test("kubectl kustomize renders the same objects, all in the ticketing namespace", (t) => {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    t.skip("kubectl is not installed");
    return;
  }
  const rendered = spawnSync("kubectl", ["kustomize", manifestDir], { encoding: "utf8" });
  assert.equal(rendered.status, 0, rendered.stderr);
  const built = parseAllDocuments(rendered.stdout, { version: "1.1" }).map((d) => d.toJS()).filter(Boolean);
  const key = (o) => `${o.kind}/${o.metadata.name}`;
  assert.deepEqual(built.map(key).sort(), objects.map(key).sort());
  for (const o of built) {
    if (!CLUSTER_SCOPED.has(o.kind)) assert.equal(o.metadata.namespace, NAMESPACE, key(o));
  }
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Dockerfiles

/** Dockerfile instructions: { instruction, args, stage }, with line continuations joined and comments dropped. */
function readDockerfile(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const instructions = [];
  let current = "";
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (current === "" && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    if (current !== "" && line.trim().startsWith("#")) continue;
    current += line.endsWith("\\") ? `${line.slice(0, -1)} ` : line;
    if (!line.endsWith("\\")) {
      const [, instruction, args] = current.trim().match(/^(\w+)\s*(.*)$/s);
      instructions.push({ instruction: instruction.toUpperCase(), args: args.trim() });
      current = "";
    }
  }
  let stage = -1;
  for (const i of instructions) {
    if (i.instruction === "FROM") stage += 1;
    i.stage = stage;
  }
  return instructions;
}

/** The .csproj files a project needs to restore: itself and its ProjectReference closure, relative to root. */
function projectClosure(project, seen = new Set()) {
  if (seen.has(project)) return seen;
  seen.add(project);
  const text = readFileSync(path.join(root, project), "utf8");
  for (const match of text.matchAll(/<ProjectReference\s+Include="([^"]+)"/g)) {
    const referenced = path.posix.normalize(path.posix.join(path.posix.dirname(project), match[1].replaceAll("\\", "/")));
    projectClosure(referenced, seen);
  }
  return seen;
}

function assemblyName(project) {
  const text = readFileSync(path.join(root, project), "utf8");
  return text.match(/<AssemblyName>([^<]+)<\/AssemblyName>/)?.[1] ?? path.basename(project, ".csproj");
}

/** .dockerignore as regular expressions (Go filepath.Match syntax plus "**"), with "!" exceptions. */
function dockerignore() {
  const file = path.join(root, ".dockerignore");
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map((line) => {
    const negate = line.startsWith("!");
    const pattern = path.posix.normalize(line.replace(/^!/, "").replace(/^\/+/, "")).replace(/\/+$/, "");
    let regex = "";
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === "*" && pattern[i + 1] === "*") {
        // "**/" is any number of directories (none included); a trailing "**" is anything.
        if (pattern[i + 2] === "/") {
          regex += "(.*/)?";
          i += 2;
        } else {
          regex += ".*";
          i += 1;
        }
      } else if (ch === "*") regex += "[^/]*";
      else if (ch === "?") regex += "[^/]";
      else regex += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    // A pattern that matches a directory excludes everything below it.
    return { negate, regex: new RegExp(`^${regex}(/.*)?$`) };
  });
  return (relative) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(relative)) ignored = !rule.negate;
    return ignored;
  };
}

/** The files under a path of the build context (a file, or every file of a directory). */
function contextFiles(relative) {
  const full = path.join(root, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full, { recursive: true })
    .map((entry) => path.posix.join(relative.replace(/\/+$/, ""), entry.replaceAll("\\", "/")))
    .filter((entry) => statSync(path.join(root, entry)).isFile());
}

const DOCKERFILES = [
  { name: "silo", dockerfile: "src/Silo/Dockerfile", project: "src/Silo/Silo.csproj",
    ports: () => [contract.HttpPort, contract.SiloPort, contract.GatewayPort] },
  { name: "API", dockerfile: "src/Api/Dockerfile", project: "src/Api/Api.csproj", ports: () => [contract.HttpPort] },
];

for (const image of DOCKERFILES) {
  test(`${image.name} Dockerfile: multi-stage SDK build, ASP.NET runtime, non-root`, () => {
    const instructions = readDockerfile(path.join(root, image.dockerfile));
    const froms = instructions.filter((i) => i.instruction === "FROM");
    assert.ok(froms.length >= 2, "multi-stage build");
    assert.match(froms[0].args, /mcr\.microsoft\.com\/dotnet\/sdk:10\.0\b/);
    const final = froms.at(-1);
    assert.match(final.args, /^mcr\.microsoft\.com\/dotnet\/aspnet:10\.0\b/);
    const finalStage = instructions.filter((i) => i.stage === final.stage);
    const users = finalStage.filter((i) => i.instruction === "USER");
    assert.equal(users.at(-1)?.args, "$APP_UID", "the final stage runs as the image's non-root app user");
  });

  test(`${image.name} Dockerfile: ports, HTTP port and health check agree with the contract`, () => {
    const instructions = readDockerfile(path.join(root, image.dockerfile));
    const finalStage = instructions.filter((i) => i.stage === instructions.at(-1).stage);
    const exposed = finalStage.filter((i) => i.instruction === "EXPOSE").flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.replace(/\/tcp$/, "")));
    assert.deepEqual(exposed.sort(), image.ports().sort());
    const env = finalStage.filter((i) => i.instruction === "ENV").map((i) => i.args).join(" ");
    assert.match(env, new RegExp(`\\bASPNETCORE_HTTP_PORTS=${contract.HttpPort}\\b`));
    const healthcheck = finalStage.find((i) => i.instruction === "HEALTHCHECK");
    assert.ok(healthcheck, "HEALTHCHECK");
    assert.ok(healthcheck.args.includes(`http://localhost:${contract.HttpPort}${contract.LivenessPath}`), healthcheck.args);
    const healthTool = healthcheck.args.match(/CMD\s+\[?"?(\w+)/)?.[1];
    const installs = finalStage.filter((i) => i.instruction === "RUN").map((i) => i.args).join(" ");
    assert.ok(new RegExp(`apt-get install[^&]*\\b${healthTool}\\b`).test(installs), `the final stage must install ${healthTool}`);
    const entrypoint = JSON.parse(finalStage.find((i) => i.instruction === "ENTRYPOINT").args);
    assert.deepEqual(entrypoint, ["dotnet", `${assemblyName(image.project)}.dll`]);
  });

  test(`${image.name} Dockerfile: restores with every project it references and the root build files`, () => {
    const instructions = readDockerfile(path.join(root, image.dockerfile));
    const copies = instructions.filter((i) => i.instruction === "COPY" && !i.args.startsWith("--from"));
    const restoreIndex = instructions.findIndex((i) => i.instruction === "RUN" && /dotnet restore/.test(i.args));
    assert.ok(restoreIndex > 0, "a separate dotnet restore step");
    const sources = (i) => i.args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1);
    const beforeRestore = copies.filter((c) => instructions.indexOf(c) < restoreIndex).flatMap(sources);
    for (const project of projectClosure(image.project)) {
      assert.ok(beforeRestore.includes(project), `${project} is not copied before the restore`);
    }
    for (const file of ["global.json", "Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets", "NuGet.config", "nuget.config"]) {
      if (existsSync(path.join(root, file))) assert.ok(beforeRestore.includes(file), `${file} is not copied before the restore`);
    }
    const restored = instructions[restoreIndex].args.match(/dotnet restore\s+(\S+)/)[1];
    assert.equal(restored, image.project);
    const afterRestore = copies.filter((c) => instructions.indexOf(c) > restoreIndex).flatMap(sources);
    for (const project of projectClosure(image.project)) {
      const dir = `${path.posix.dirname(project)}/`;
      assert.ok(afterRestore.includes(dir), `the sources of ${dir} are not copied for the publish`);
    }
  });

  test(`${image.name} Dockerfile: every COPY source exists in the build context and is not in .dockerignore`, () => {
    const ignored = dockerignore();
    const instructions = readDockerfile(path.join(root, image.dockerfile));
    for (const copy of instructions.filter((i) => i.instruction === "COPY" && !i.args.startsWith("--from"))) {
      for (const source of copy.args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1)) {
        assert.ok(existsSync(path.join(root, source)), `COPY ${source}: not in the repository`);
        const files = contextFiles(source);
        const kept = files.filter((f) => !ignored(f));
        assert.ok(kept.length > 0, `COPY ${source}: excluded by .dockerignore`);
        if (!statSync(path.join(root, source)).isDirectory()) assert.ok(!ignored(source), `COPY ${source}: excluded by .dockerignore`);
      }
    }
    // And the build context leaves out the host's build output.
    for (const dir of ["src/Silo/bin/Debug", "src/Silo/obj/project.assets.json", "src/Api/bin/Release/net10.0/Ticketing.Api.dll",
      ".git/HEAD", "tests/k8s/node_modules", "deploy/k8s/silo.yaml"]) {
      assert.ok(ignored(dir), `.dockerignore should exclude ${dir}`);
    }
  });
}
