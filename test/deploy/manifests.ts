/**
 * What test/deploy/manifests.test.ts needs to read deploy/kubernetes offline:
 * a renderer for the part of kustomize the manifests use, the Kubernetes API
 * schemas (kubernetes-models, and the TypeScript types beside them for fields
 * the schemas let through), and the NetworkPolicy rules, evaluated.
 *
 * The renderer knows `resources` (files, and folders with a kustomization),
 * `namespace`, `labels` (on objects' own metadata only), `images`, and
 * `patches`: strategic merge of whole objects found by kind and name (with
 * `$patch: delete`), or JSON 6902 operations on a target. Anything else in a
 * kustomization is refused, so the manifests cannot quietly leave the subset.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { parseAllDocuments } from 'yaml'
import { Namespace, ConfigMap, Secret, Service } from 'kubernetes-models/v1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { CronJob, Job } from 'kubernetes-models/batch/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type KubeObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
} & Record<string, Json>

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'images', 'patches'])
const CLUSTER_SCOPED = new Set(['Namespace'])

/** Every YAML document of a file, as plain data; a syntax error names the file. */
export function readYamlDocuments(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`)
    return doc.toJS({ maxAliasCount: -1 }) as Json
  })
}

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)
const idOf = (o: { kind: unknown; metadata?: { name?: unknown } }) => `${String(o.kind)}/${String(o.metadata?.name)}`

/** The objects a kustomization folder renders to. */
export function renderKustomization(dir: string): KubeObject[] {
  const file = path.join(dir, 'kustomization.yaml')
  const k = readYamlDocuments(file)[0]
  if (!isMap(k)) throw new Error(`${file}: not a kustomization`)
  const unknown = Object.keys(k).filter((key) => !KUSTOMIZATION_FIELDS.has(key))
  if (unknown.length > 0) throw new Error(`${file}: ${unknown.join(', ')} is outside what this renderer reads`)
  let objects: KubeObject[] = []
  for (const entry of (k.resources ?? []) as string[]) {
    const target = path.join(dir, entry)
    objects.push(...(statSync(target).isDirectory() ? renderKustomization(target) : (readYamlDocuments(target) as KubeObject[])))
  }
  for (const patch of (k.patches ?? []) as Record<string, Json>[]) objects = applyPatch(objects, patch, dir, file)
  if (typeof k.namespace === 'string') {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace
  }
  for (const label of (k.labels ?? []) as { pairs: Record<string, string>; includeSelectors?: boolean }[]) {
    if (label.includeSelectors) throw new Error(`${file}: labels with includeSelectors is outside what this renderer reads`)
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...label.pairs }
  }
  for (const image of (k.images ?? []) as { name: string; newName?: string; newTag?: string }[]) {
    for (const container of containersOf(objects)) {
      const [name, tag] = splitImage(String(container.image))
      if (name === image.name) container.image = `${image.newName ?? name}:${image.newTag ?? tag}`
    }
  }
  return objects
}

function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(':')
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest']
}

/** The pod spec of a Deployment, a Job or a CronJob. */
export function podSpecOf(o: KubeObject): Record<string, Json> | undefined {
  const spec = o.spec as Record<string, Json> | undefined
  const template = (o.kind === 'CronJob' ? ((spec?.jobTemplate as Record<string, Json>)?.spec as Record<string, Json>) : spec)?.template
  return isMap(template) && isMap(template.spec) ? template.spec : undefined
}

/** Every container (init containers too) of every workload. */
export function containersOf(objects: readonly KubeObject[]): Record<string, Json>[] {
  return objects.flatMap((o) => {
    const pod = podSpecOf(o)
    return [...((pod?.initContainers ?? []) as Record<string, Json>[]), ...((pod?.containers ?? []) as Record<string, Json>[])]
  })
}

function applyPatch(objects: KubeObject[], patch: Record<string, Json>, dir: string, file: string): KubeObject[] {
  if (typeof patch.path === 'string') {
    let result = objects
    for (const doc of readYamlDocuments(path.join(dir, patch.path)) as KubeObject[]) {
      const at = result.findIndex((o) => idOf(o) === idOf(doc))
      if (at < 0) throw new Error(`${file}: the patch ${patch.path} names ${idOf(doc)}, which is not in the resources`)
      const { $patch: directive, ...rest } = doc as Record<string, Json>
      result = directive === 'delete' ? result.filter((_, i) => i !== at) : result.with(at, strategicMerge(result[at]!, rest) as KubeObject)
    }
    return result
  }
  const target = patch.target as { kind: string; name: string }
  const at = objects.findIndex((o) => o.kind === target.kind && o.metadata.name === target.name)
  if (at < 0) throw new Error(`${file}: the patch's target ${target.kind}/${target.name} is not in the resources`)
  const operations = readYamlFromText(String(patch.patch)) as { op: string; path: string; value?: Json }[]
  return objects.with(
    at,
    operations.reduce((o, operation) => jsonPatch(o, operation, file), objects[at]!),
  )
}

function readYamlFromText(text: string): Json {
  const [doc] = parseAllDocuments(text)
  if (!doc || doc.errors.length > 0) throw new Error(`an inline patch: ${doc?.errors[0]?.message ?? 'empty'}`)
  return doc.toJS() as Json
}

function jsonPatch(o: KubeObject, operation: { op: string; path: string; value?: Json }, file: string): KubeObject {
  const copy = structuredClone(o) as Record<string, Json>
  const keys = operation.path
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'))
  const last = keys.pop()!
  const parent = keys.reduce<Json>((node, key) => (isMap(node) || Array.isArray(node) ? (node as Record<string, Json>)[key]! : null), copy)
  if (!isMap(parent)) throw new Error(`${file}: ${operation.path} does not lead to an object in ${idOf(o)}`)
  if (operation.op === 'remove') delete parent[last]
  else if (operation.op === 'replace' || operation.op === 'add') parent[last] = operation.value!
  else throw new Error(`${file}: the JSON patch operation ${operation.op} is outside what this renderer reads`)
  return copy as KubeObject
}

/** The lists Kubernetes merges item by item in a strategic merge patch, and the key that pairs their items. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
}

/** A strategic merge patch, for the lists MERGE_KEYS names; any other list is replaced whole. */
export function strategicMerge(base: Json, patch: Json, key?: string): Json {
  if (isMap(base) && isMap(patch)) {
    const merged: Record<string, Json> = { ...base }
    for (const [k, v] of Object.entries(patch)) merged[k] = k in base ? strategicMerge(base[k]!, v, k) : v
    return merged
  }
  const mergeKey = key ? MERGE_KEYS[key] : undefined
  if (Array.isArray(base) && Array.isArray(patch) && mergeKey) {
    const merged = base.map((item) => {
      const match = patch.find((p) => isMap(p) && isMap(item) && p[mergeKey] === item[mergeKey])
      return match === undefined ? item : strategicMerge(item, match)
    })
    const added = patch.filter((p) => !base.some((item) => isMap(p) && isMap(item) && p[mergeKey] === item[mergeKey]))
    return [...added, ...merged]
  }
  return patch
}

// The API's own schemas: each kind the manifests use, with its model.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
}

/** What the Kubernetes API schema finds wrong with each object: `Kind/name: problem`, none when all are valid. */
export function schemaProblems(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((o) => {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`]
    if (!Model) return [`${idOf(o)}: ${o.apiVersion} ${o.kind} is not a kind these manifests may use`]
    try {
      new Model(o as never).validate()
      return []
    } catch (error) {
      return [`${idOf(o)}: ${(error as Error).message}`]
    }
  })
}

const TYPES: Record<string, [module: string, type: string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'INamespace'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'batch/v1/Job': ['kubernetes-models/batch/v1/Job', 'IJob'],
  'batch/v1/CronJob': ['kubernetes-models/batch/v1/CronJob', 'ICronJob'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
}

/**
 * Fields the API does not know (a misspelt `readinesProbe`, say), which the
 * schemas accept: each object is typed against the API's TypeScript types,
 * whose check of object literals refuses every field they do not declare.
 */
export function unknownFieldProblems(objects: readonly KubeObject[], root: string): string[] {
  const source = objects
    .map((o, i) => {
      const [module, type] = TYPES[`${o.apiVersion}/${o.kind}`] ?? ['kubernetes-models/v1/ConfigMap', 'never']
      return `// ${idOf(o)}\nexport const o${i}: import('${module}').${type} = ${JSON.stringify(o, null, 1)}\n`
    })
    .join('')
  const file = path.join(root, 'test/deploy/__manifests__.ts')
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name))
  host.fileExists = (name) => path.resolve(name) === file || ts.sys.fileExists(name)
  host.getSourceFile = (name, version) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version)
  const program = ts.createProgram([file], options, host)
  const lines = source.split('\n')
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0
    const owner = lines.slice(0, line + 1).findLast((l) => l.startsWith('// ')) ?? ''
    return `${owner.slice(3)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').at(-1)}`
  })
}

/** A pod as NetworkPolicies see it: its labels, its namespace and that namespace's labels. */
export interface PodIdentity {
  namespace: string
  namespaceLabels: Record<string, string>
  labels: Record<string, string>
}

interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[]
}

/** Whether labels satisfy a selector; an empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = e.key in labels
      if (e.operator === 'Exists') return has
      if (e.operator === 'DoesNotExist') return !has
      const within = has && (e.values ?? []).includes(labels[e.key]!)
      return e.operator === 'In' ? within : !within
    })
  )
}

interface Peer {
  podSelector?: LabelSelector
  namespaceSelector?: LabelSelector
  ipBlock?: { cidr: string }
}
interface Rule {
  from?: Peer[]
  to?: Peer[]
  ports?: { protocol?: string; port?: number | string }[]
}

function peerMatches(peer: Peer, other: PodIdentity | 'outside', policyNamespace: string): boolean {
  if (other === 'outside') return peer.ipBlock !== undefined
  if (peer.ipBlock) return false
  const namespaceOk = peer.namespaceSelector ? selects(peer.namespaceSelector, other.namespaceLabels) : other.namespace === policyNamespace
  return namespaceOk && selects(peer.podSelector, other.labels)
}

const portMatches = (rule: Rule, port: number) => !rule.ports || rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && p.port === port)

/** Whether the policies let `pod` be reached by, or reach, `other` on a TCP port (one direction). */
function allowedOneWay(
  policies: readonly KubeObject[],
  pod: PodIdentity,
  other: PodIdentity | 'outside',
  port: number,
  way: 'Ingress' | 'Egress',
) {
  const applying = policies.filter((p) => {
    const spec = p.spec as unknown as { podSelector: LabelSelector; policyTypes?: string[] }
    return (
      p.metadata.namespace === pod.namespace && selects(spec.podSelector, pod.labels) && (spec.policyTypes ?? ['Ingress']).includes(way)
    )
  })
  if (applying.length === 0) return true
  return applying.some((p) => {
    const rules = ((p.spec as Record<string, Json>)[way === 'Ingress' ? 'ingress' : 'egress'] ?? []) as Rule[]
    return rules.some((rule) => {
      const peers = way === 'Ingress' ? rule.from : rule.to
      return portMatches(rule, port) && (!peers || peers.some((peer) => peerMatches(peer, other, p.metadata.namespace!)))
    })
  })
}

/** Whether a connection from one pod (or an address outside the cluster) to another's TCP port gets through. */
export function connectionAllowed(policies: readonly KubeObject[], from: PodIdentity | 'outside', to: PodIdentity, port: number): boolean {
  const leaves = from === 'outside' || allowedOneWay(policies, from, to, port, 'Egress')
  return leaves && allowedOneWay(policies, to, from, port, 'Ingress')
}

/** Whether the policies let a pod open a TCP connection to another pod, or to an address outside the cluster. */
export function egressAllowed(policies: readonly KubeObject[], from: PodIdentity, to: PodIdentity | 'outside', port: number): boolean {
  return allowedOneWay(policies, from, to, port, 'Egress')
}
