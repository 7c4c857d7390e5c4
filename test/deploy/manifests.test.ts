/**
 * The deployment definitions hold together, offline: the kustomize base and
 * production overlay render to objects the Kubernetes API schemas accept,
 * with the probes, budgets, policies and settings the graph needs; the compose
 * file names the same parts, settings and health checks.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { loadCollectorsConfig } from '../../collectors/config.js'
import { settingsProblems } from '../../launch/checks.js'
import { readSettings, subgraphUrlVariable } from '../../platform/settings.js'
import { SUBGRAPH_NAMES } from '../../subgraphs/index.js'
import {
  connectionAllowed,
  containersOf,
  egressAllowed,
  podSpecOf,
  renderKustomization,
  schemaProblems,
  selects,
  unknownFieldProblems,
  type Json,
  type KubeObject,
  type PodIdentity,
} from './manifests.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const BASE = path.join(ROOT, 'deploy/kubernetes/base')
const PRODUCTION = path.join(ROOT, 'deploy/kubernetes/overlays/production')
const COMPOSE = path.join(ROOT, 'deploy/compose')
const SECRET_LOOKING = /SECRET|PASSWORD|_TOKEN$|CREDENTIAL|PRIVATE|DATABASE_URL|REDIS_URL/

/** Every variable platform/settings.ts's schema reads, from its source, plus each subgraph's address. */
function settingNames(): string[] {
  const source = readFileSync(path.join(ROOT, 'platform/settings.ts'), 'utf8')
  const schema = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\)/.exec(source)?.[1]
  if (!schema) throw new Error('platform/settings.ts: envSchema not found')
  const names = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!)
  return [...names, ...SUBGRAPH_NAMES.map(subgraphUrlVariable)]
}

/** The paths the gateway's and the subgraphs' servers answer, from their route registrations. */
function servedPaths(): Set<string> {
  const files = ['gateway/stages/health.ts', 'subgraphs/kit/server/subgraph.ts']
  return new Set(files.flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/app\.get\('(\/[a-z]+)'/g)].map((m) => m[1]!)))
}

const byKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind)
const named = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)
const dataOf = (o: KubeObject | undefined) => ({
  ...((o?.data ?? {}) as Record<string, string>),
  ...((o?.stringData ?? {}) as Record<string, string>),
})
type Container = Record<string, Json> & { name: string; args?: string[]; image: string }

const base = renderKustomization(BASE)
const production = renderKustomization(PRODUCTION)
/** The overlay leaves its Secrets to the secret store: their keys are the base's. */
const productionSecret = dataOf(named(base, 'Secret', 'hd4res-secrets'))

describe('the kustomize base and production overlay', () => {
  it('render every part, with the overlay keeping no placeholder Secret', () => {
    for (const objects of [base, production]) {
      const deployments = byKind(objects, 'Deployment').map((d) => d.metadata.name)
      expect(deployments.sort()).toEqual(['gateway', ...SUBGRAPH_NAMES].map((n) => `hd4res-${n}`).sort())
      expect(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'hd4res')).toBe(true)
    }
    expect(byKind(base, 'Secret').map((s) => s.metadata.name)).toEqual(['hd4res-secrets', 'hd4res-collector-secrets'])
    expect(byKind(production, 'Secret')).toEqual([])
  })

  // Where kubectl is installed, its kustomize must render what this renderer does.
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0
  if (kubectl) {
    it.each([
      ['base', BASE, base],
      ['production overlay', PRODUCTION, production],
    ])('render the %s as kubectl kustomize does', (_name, dir, rendered) => {
      const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })
      const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`
      const theirs = parseAllDocuments(text).map((d) => d.toJS() as KubeObject)
      expect(Object.fromEntries(theirs.map((o) => [key(o), o]))).toEqual(Object.fromEntries(rendered.map((o) => [key(o), o])))
    })
  }

  it('are accepted by the Kubernetes API schemas, field by field', () => {
    expect(schemaProblems([...base, ...production])).toEqual([])
    expect(unknownFieldProblems([...base, ...production], ROOT)).toEqual([])
  })

  it('refuse a broken copy: a wrong type, a missing field, a misspelt one', () => {
    const gateway = structuredClone(named(production, 'Deployment', 'hd4res-gateway')!)
    const container = (podSpecOf(gateway)!.containers as Container[])[0]!
    ;(container.ports as Record<string, Json>[])[0]!.containerPort = 'four thousand'
    expect(schemaProblems([gateway])[0]).toMatch(/^Deployment\/hd4res-gateway: .*containerPort must be integer/)
    const headless = structuredClone(named(production, 'Deployment', 'hd4res-records')!)
    delete (headless.spec as Record<string, Json>).selector
    expect(schemaProblems([headless])[0]).toMatch(/^Deployment\/hd4res-records: .*must have required property selector/)
    const misspelt = structuredClone(named(production, 'Deployment', 'hd4res-support')!)
    const probe = (podSpecOf(misspelt)!.containers as Container[])[0]!
    probe.readinesProbe = probe.readinessProbe!
    delete probe.readinessProbe
    expect(unknownFieldProblems([misspelt], ROOT)).toEqual([
      expect.stringMatching(/^Deployment\/hd4res-support: .*readinesProbe.* does not exist in type 'IContainer'/),
    ])
  })

  it('run the release image of the overlay everywhere', () => {
    const kustomization = parse(readFileSync(path.join(PRODUCTION, 'kustomization.yaml'), 'utf8')) as {
      images: { newName: string; newTag: string }[]
    }
    const { newName, newTag } = kustomization.images[0]!
    const images = new Set(containersOf(production).map((c) => c.image))
    expect([...images]).toEqual([`${newName}:${newTag}`])
    expect(named(production, 'Job', `hd4res-migrate-${newTag.replaceAll('.', '-')}`)).toBeDefined()
  })
})

describe('each Deployment', () => {
  const paths = servedPaths()
  const port = Number(dataOf(named(production, 'ConfigMap', 'hd4res-settings')).PORT)

  it.each(byKind(production, 'Deployment').map((d) => [d.metadata.name, d] as const))(
    '%s probes real routes on the port the part listens on',
    (_name, deployment) => {
      const container = (podSpecOf(deployment)!.containers as Container[])[0]!
      const ports = container.ports as { name: string; containerPort: number }[]
      const probes = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' } as const
      for (const [probe, expected] of Object.entries(probes)) {
        const httpGet = (container[probe] as { httpGet: { path: string; port: string } }).httpGet
        expect(httpGet.path).toBe(expected)
        expect(paths.has(httpGet.path)).toBe(true)
        expect(ports.find((p) => p.name === httpGet.port)?.containerPort).toBe(port)
      }
      expect(container.args).toEqual([deployment.metadata.name.replace('hd4res-', '')])
    },
  )

  it.each(byKind(production, 'Deployment').map((d) => [d.metadata.name, d] as const))(
    '%s runs unprivileged, read-only, and drains before it stops',
    (_name, deployment) => {
      const pod = podSpecOf(deployment)! as Record<string, Json> & { securityContext: Record<string, Json> }
      const container = (pod.containers as Container[])[0]! as Container & { securityContext: Record<string, Json> }
      expect(pod.automountServiceAccountToken).toBe(false)
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      })
      const tmp = (container.volumeMounts as { name: string; mountPath: string }[]).find((m) => m.mountPath === '/tmp')!
      expect((pod.volumes as { name: string; emptyDir?: object }[]).find((v) => v.name === tmp.name)?.emptyDir).toBeDefined()
      expect(container.resources).toMatchObject({
        requests: { cpu: expect.anything(), memory: expect.anything() },
        limits: { memory: expect.anything() },
      })
      const preStop = (container.lifecycle as { preStop: { sleep: { seconds: number } } }).preStop.sleep.seconds
      const shutdown = Number(dataOf(named(production, 'ConfigMap', 'hd4res-settings')).HD4RES_SHUTDOWN_TIMEOUT_MS) / 1000
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + shutdown)
    },
  )
})

describe('the gateway', () => {
  const gateway = named(production, 'Deployment', 'hd4res-gateway')!
  const podLabels = ((gateway.spec as Record<string, Json>).template as { metadata: { labels: Record<string, string> } }).metadata.labels

  it('has a disruption budget and an autoscaler that select it', () => {
    const budget = named(production, 'PodDisruptionBudget', 'hd4res-gateway')!.spec as { minAvailable: number; selector: object }
    expect(selects(budget.selector, podLabels)).toBe(true)
    const scaler = named(production, 'HorizontalPodAutoscaler', 'hd4res-gateway')!.spec as Record<string, Json>
    expect(scaler.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hd4res-gateway' })
    expect(scaler.minReplicas).toBeGreaterThan(budget.minAvailable)
    expect(scaler.maxReplicas).toBeGreaterThan(scaler.minReplicas as number)
    // The autoscaler keeps the count; a replicas field would reset it at every apply.
    expect((gateway.spec as Record<string, Json>).replicas).toBeUndefined()
  })
})

describe('the network policies', () => {
  const policies = byKind(production, 'NetworkPolicy')
  const pod = (o: KubeObject): PodIdentity => {
    const template = o.kind === 'CronJob' ? ((o.spec as Record<string, Json>).jobTemplate as Record<string, Json>).spec : o.spec
    const labels = ((template as Record<string, Json>).template as { metadata: { labels: Record<string, string> } }).metadata.labels
    return { namespace: 'hd4res', namespaceLabels: { 'kubernetes.io/metadata.name': 'hd4res' }, labels }
  }
  const workloads = production.filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind))
  const gateway = pod(named(production, 'Deployment', 'hd4res-gateway')!)
  const ingressController: PodIdentity = {
    namespace: 'ingress-nginx',
    namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
  }
  const elsewhere: PodIdentity = { namespace: 'other', namespaceLabels: { 'kubernetes.io/metadata.name': 'other' }, labels: {} }

  it('let only gateway pods reach a subgraph', () => {
    for (const name of SUBGRAPH_NAMES) {
      const subgraph = pod(named(production, 'Deployment', `hd4res-${name}`)!)
      const callers = [
        ...workloads.map((w) => [w.metadata.name, pod(w)] as const),
        ['ingress', ingressController] as const,
        ['other', elsewhere] as const,
      ]
      const allowed = callers.filter(([, caller]) => connectionAllowed(policies, caller, subgraph, 4000)).map(([n]) => n)
      expect(allowed, name).toEqual(['hd4res-gateway'])
      expect(connectionAllowed(policies, 'outside', subgraph, 4000)).toBe(false)
    }
  })

  it('let the ingress controller reach the gateway, and nothing else reach it', () => {
    expect(connectionAllowed(policies, ingressController, gateway, 4000)).toBe(true)
    expect(connectionAllowed(policies, elsewhere, gateway, 4000)).toBe(false)
    expect(connectionAllowed(policies, pod(named(production, 'Deployment', 'hd4res-records')!), gateway, 4000)).toBe(false)
  })

  it('let each part reach DNS and what it depends on, and no more', () => {
    const dns: PodIdentity = {
      namespace: 'kube-system',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
      labels: { 'k8s-app': 'kube-dns' },
    }
    for (const w of workloads) expect(egressAllowed(policies, pod(w), dns, 53), w.metadata.name).toBe(true)
    expect(egressAllowed(policies, gateway, 'outside', 6379)).toBe(true)
    expect(egressAllowed(policies, gateway, 'outside', 5432)).toBe(false)
    for (const name of [...SUBGRAPH_NAMES.map((n) => `hd4res-${n}`), 'hd4res-migrate-0-1-0', 'hd4res-collect']) {
      const w = workloads.find((o) => o.metadata.name === name)!
      expect(egressAllowed(policies, pod(w), 'outside', 5432), name).toBe(true)
      expect(egressAllowed(policies, pod(w), 'outside', 6379), name).toBe(false)
    }
  })
})

describe('the settings', () => {
  const config = dataOf(named(production, 'ConfigMap', 'hd4res-settings'))

  it('cover every variable platform/settings.ts reads, the secret ones in the Secret only', () => {
    const names = settingNames()
    expect(names.filter((n) => !(n in config) && !(n in productionSecret))).toEqual([])
    expect(Object.keys(config).filter((n) => SECRET_LOOKING.test(n))).toEqual([])
    expect(Object.keys(productionSecret).filter((n) => !SECRET_LOOKING.test(n))).toEqual([])
    expect([...Object.keys(config), ...Object.keys(productionSecret)].filter((n) => !names.includes(n))).toEqual([])
    const everyEnvFrom = workloads().every(
      (c) => JSON.stringify(c.envFrom).includes('hd4res-settings') && JSON.stringify(c.envFrom).includes('hd4res-secrets'),
    )
    expect(everyEnvFrom).toBe(true)
  })

  it('are valid, and enough for a production gateway and subgraph', () => {
    const settings = readSettings({ ...config, ...productionSecret })
    expect(settings.production).toBe(true)
    expect(settings.performance.workers).toBe('2')
    expect(settingsProblems(settings, 'gateway')).toEqual([])
    expect(settingsProblems(settings, 'subgraph')).toEqual([])
    expect(() => readSettings(dataOf(named(base, 'ConfigMap', 'hd4res-settings')))).not.toThrow()
  })

  it('give the collectors a configuration that loads, and every credential it names', () => {
    const file = path.join(ROOT, 'test-artifacts/deploy-collectors.yaml')
    execFileSync('mkdir', ['-p', path.dirname(file)])
    const text = dataOf(named(base, 'ConfigMap', 'hd4res-collectors'))['collectors.yaml']!
    execFileSync('tee', [file], { input: text, stdio: ['pipe', 'ignore', 'inherit'] })
    expect(() => loadCollectorsConfig(file)).not.toThrow()
    const credentials = Object.keys(dataOf(named(base, 'Secret', 'hd4res-collector-secrets')))
    const namedEnv = [...text.matchAll(/(?:token|database|user|password)Env: (\S+)/g)].map((m) => m[1]!)
    expect(namedEnv.filter((n) => !credentials.includes(n))).toEqual([])
  })

  function workloads(): (Container & { envFrom: Json })[] {
    return containersOf(production) as (Container & { envFrom: Json })[]
  }
})

describe('the jobs', () => {
  it('migrate once per release, and collect all daily without overlapping runs', () => {
    const [job] = byKind(production, 'Job')
    expect((podSpecOf(job!)!.containers as Container[])[0]!.args).toEqual(['migrate'])
    const cron = byKind(production, 'CronJob')[0]!
    expect(cron.spec).toMatchObject({ concurrencyPolicy: 'Forbid', timeZone: 'Etc/UTC' })
    const args = (podSpecOf(cron)!.containers as Container[])[0]!.args!
    expect(args.slice(0, 2)).toEqual(['collect', 'all'])
    expect(args[args.indexOf('--config') + 1]).toBe(dataOf(named(production, 'ConfigMap', 'hd4res-settings')).HD4RES_COLLECTORS_CONFIG)
  })

  it('give collect all arguments the command accepts', () => {
    const args = (podSpecOf(byKind(production, 'CronJob')[0]!)!.containers as Container[])[0]!.args!
    const missing = args.map((a) => (a.startsWith('/etc/hd4res/') ? path.join(ROOT, 'test-artifacts/no-such-collectors.yaml') : a))
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/serve.ts'), ...missing], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HD4RES_DATA_DIR: path.join(ROOT, 'test-artifacts/deploy-collect') },
      timeout: 120_000,
    })
    // A usage error exits 2 before the store opens; a missing configuration is refused after it (1).
    expect(run.stderr).not.toMatch(/Usage|must be a date/)
    expect(run.status).toBe(1)
  }, 150_000)
})

describe('the compose file', () => {
  const compose = parse(readFileSync(path.join(COMPOSE, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Record<string, Json> & { command?: string[]; environment?: Record<string, string> }>
  }
  const services = compose.services
  const parts = Object.entries(services).filter(([, s]) => String(s.image).includes('HD4RES_IMAGE'))
  const settingsFile = Object.fromEntries(
    readFileSync(path.join(COMPOSE, 'settings.env'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )

  it('runs two gateways behind the load balancer, every subgraph, migrate and the schedule', () => {
    const commands = parts.map(([name, s]) => [name, s.command![0]])
    expect(Object.fromEntries(commands)).toEqual({
      'gateway-1': 'gateway',
      'gateway-2': 'gateway',
      ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, n])),
      migrate: 'migrate',
      collector: 'collector',
    })
    expect(services.lb!.environment).toMatchObject({ HD4RES_GATEWAY_1: 'gateway-1:4000', HD4RES_GATEWAY_2: 'gateway-2:4000' })
    expect(services.collector!.environment!.HD4RES_COLLECT_SCHEDULE).toBe('0 4 * * *')
    for (const [name, s] of parts.filter(([n]) => n !== 'migrate')) {
      expect((s.depends_on as Record<string, Json>).migrate, name).toEqual({ condition: 'service_completed_successfully' })
    }
  })

  it('checks each serving part with the image health check script', () => {
    for (const [name, s] of parts.filter(([n]) => n !== 'migrate' && n !== 'collector')) {
      expect((s.healthcheck as { test: string[] }).test, name).toEqual(['CMD', '/usr/local/bin/node', '/app/dist/bin/healthcheck.js'])
    }
    expect(parts.every(([, s]) => (s.build as { dockerfile: string }).dockerfile.endsWith('deploy/image/Containerfile'))).toBe(true)
  })

  it('sets every setting, the secret ones only from the uncommitted .env', () => {
    const given = new Set([...Object.keys(settingsFile), ...parts.flatMap(([, s]) => Object.keys(s.environment ?? {}))])
    expect(settingNames().filter((n) => !given.has(n))).toEqual([])
    expect(Object.keys(settingsFile).filter((n) => SECRET_LOOKING.test(n))).toEqual([])
    for (const [, s] of parts) {
      for (const [n, v] of Object.entries(s.environment ?? {})) if (SECRET_LOOKING.test(n)) expect(v, n).toMatch(/\$\{[A-Z0-9_]+:[?-]/)
    }
    const example = readFileSync(path.join(COMPOSE, '.env.example'), 'utf8')
    const required = [...readFileSync(path.join(COMPOSE, 'compose.yaml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!)
    expect(required.filter((n) => !new RegExp(`^${n}=`, 'm').test(example))).toEqual([])
    expect(spawnSync('git', ['check-ignore', '-q', 'deploy/compose/.env'], { cwd: ROOT }).status).toBe(0)
    expect(() => readSettings({ ...settingsFile, HD4RES_IDENTITY_SECRET: 'x'.repeat(32) })).not.toThrow()
  })
})
