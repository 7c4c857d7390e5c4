/**
 * The forwarding floor of the gateway benchmark: a gateway that does no more
 * than the subgraph fetches a query plan makes. It is a floor for comparison,
 * not a gateway anyone should deploy:
 *
 * - the plan of each of the benchmark's queries is made once, at start, with
 *   @apollo/query-planner (the planner stock @apollo/gateway uses); a request
 *   whose query text is not one of them is refused;
 * - each request runs its plan's fetches (sequence, parallel, flatten) with
 *   the request's variables, over kept-alive connections, forwarding the
 *   signed identity header; an entity fetch sends the representations the
 *   plan requires, each distinct one once;
 * - the subgraphs' answers are merged into one tree and serialised as they
 *   are: no validation, no coercion, no null propagation, no shaping to the
 *   client's selection (the answer keeps the `__typename` and key fields the
 *   plan added), no limits, no sign-in.
 *
 * What a real gateway spends beyond this floor is the price of doing its job;
 * the benchmark shows how far each contender is above it.
 */
import http from 'node:http'
import { Supergraph, operationFromDocument } from '@apollo/federation-internals'
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlanSelectionNode } from '@apollo/query-planner'
import { parse } from 'graphql'
import { Agent, request } from 'undici'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

interface Answer {
  data?: JsonObject | null
  errors?: Json[]
}

/** Sends one subgraph operation and returns its answer. */
export type Send = (service: string, operation: string, variables: JsonObject) => Promise<Answer>

/** The plans of the given queries, by query text. */
export function planQueries(supergraphSdl: string, queries: string[]): Map<string, PlanNode | undefined> {
  const supergraph = Supergraph.build(supergraphSdl)
  const planner = new QueryPlanner(supergraph)
  const plans = new Map<string, PlanNode | undefined>()
  for (const query of queries) {
    const operation = operationFromDocument(supergraph.schema, parse(query), { validate: true })
    const node = planner.buildQueryPlan(operation).node
    if (node?.kind === 'Subscription') throw new Error('the forwarding floor answers queries only')
    plans.set(query, node)
  }
  return plans
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Merges a subgraph's answer into the tree: objects field by field, lists item by item. */
function merge(target: JsonObject, source: JsonObject): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (isObject(existing) && isObject(value)) merge(existing, value)
    else if (Array.isArray(existing) && Array.isArray(value))
      value.forEach((item, i) => {
        const old = existing[i]
        if (isObject(old) && isObject(item)) merge(old, item)
        else existing[i] = item
      })
    else target[key] = value
  }
}

/** The objects at a plan path ("@" walks a list, "... on T" keeps objects of that type). */
function objectsAt(roots: JsonObject[], path: string[]): JsonObject[] {
  let current: Json[] = roots
  for (const step of path) {
    const next: Json[] = []
    for (const item of current) {
      if (step === '@') {
        if (Array.isArray(item)) next.push(...item)
      } else if (step.startsWith('... on ')) {
        if (isObject(item) && item.__typename === step.slice('... on '.length)) next.push(item)
      } else if (isObject(item) && item[step] !== undefined) next.push(item[step]!)
    }
    current = next
  }
  return current.flatMap((item) => (Array.isArray(item) ? item : [item])).filter(isObject)
}

/** The part of an object a selection names (an entity's representation). */
function select(value: Json, selections: readonly QueryPlanSelectionNode[]): Json {
  if (Array.isArray(value)) return value.map((item) => select(item, selections))
  if (!isObject(value)) return value
  const out: JsonObject = {}
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && value.__typename !== selection.typeCondition) continue
      Object.assign(out, select(value, selection.selections))
    } else {
      const key = selection.alias ?? selection.name
      const field = value[key]
      if (field === undefined) continue
      out[key] = selection.selections ? select(field, selection.selections) : field
    }
  }
  return out
}

/** Runs one fetch node on the objects it applies to. */
async function fetchInto(node: FetchNode, targets: JsonObject[], variables: JsonObject, send: Send, errors: Json[]): Promise<void> {
  const own: JsonObject = {}
  for (const name of node.variableUsages ?? []) if (variables[name] !== undefined) own[name] = variables[name]!
  if (!node.requires) {
    const answer = await send(node.serviceName, node.operation, own)
    if (answer.errors) errors.push(...answer.errors)
    if (answer.data) for (const target of targets) merge(target, answer.data)
    return
  }
  // Each distinct representation once; the answer's entities go back to every object that gave it.
  const byKey = new Map<string, JsonObject[]>()
  const representations: Json[] = []
  for (const target of targets) {
    const representation = select(target, node.requires)
    if (!isObject(representation) || Object.keys(representation).length === 0) continue
    const key = JSON.stringify(representation)
    const list = byKey.get(key)
    if (list) list.push(target)
    else {
      byKey.set(key, [target])
      representations.push(representation)
    }
  }
  if (representations.length === 0) return
  const answer = await send(node.serviceName, node.operation, { ...own, representations })
  if (answer.errors) errors.push(...answer.errors)
  const entities = answer.data?._entities
  if (!Array.isArray(entities)) return
  const groups = [...byKey.values()]
  entities.forEach((entity, i) => {
    if (isObject(entity)) for (const target of groups[i] ?? []) merge(target, entity)
  })
}

/** Runs a plan node against the tree's objects at the current path. */
async function run(node: PlanNode, targets: JsonObject[], variables: JsonObject, send: Send, errors: Json[]): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await run(child, targets, variables, send, errors)
      return
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => run(child, targets, variables, send, errors)))
      return
    case 'Flatten':
      await run(node.node, objectsAt(targets, node.path.map(String)), variables, send, errors)
      return
    case 'Fetch':
      await fetchInto(node, targets, variables, send, errors)
      return
    default:
      throw new Error(`the forwarding floor does not run ${node.kind} plan nodes`)
  }
}

/** Executes a plan: the merged subgraph answers, and their errors. */
export async function executePlan(node: PlanNode | undefined, variables: JsonObject, send: Send): Promise<Answer> {
  const data: JsonObject = {}
  const errors: Json[] = []
  if (node) await run(node, [data], variables, send, errors)
  return errors.length > 0 ? { data, errors } : { data }
}

/** Starts the floor on a port: plans the queries, then answers them by forwarding the plan's fetches. */
export async function startFloor(options: {
  port: number
  supergraphSdl: string
  urls: Record<string, string>
  queries: string[]
  /** Request headers passed on to every subgraph fetch. */
  forward: string[]
}): Promise<void> {
  const plans = planQueries(options.supergraphSdl, options.queries)
  const agent = new Agent({ keepAliveTimeout: 60_000, connections: 64 })
  const handle = async (body: string, headers: http.IncomingHttpHeaders): Promise<{ status: number; text: string }> => {
    const { query, variables } = JSON.parse(body) as { query?: string; variables?: JsonObject }
    if (!query || !plans.has(query))
      return { status: 400, text: JSON.stringify({ errors: [{ message: 'not one of the planned queries' }] }) }
    const passed: Record<string, string> = { 'content-type': 'application/json' }
    for (const name of options.forward) if (typeof headers[name] === 'string') passed[name] = headers[name]
    const send: Send = async (service, operation, vars) => {
      const response = await request(options.urls[service]!, {
        method: 'POST',
        headers: passed,
        body: JSON.stringify({ query: operation, variables: vars }),
        dispatcher: agent,
      })
      return (await response.body.json()) as Answer
    }
    return { status: 200, text: JSON.stringify(await executePlan(plans.get(query), variables ?? {}, send)) }
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      handle(Buffer.concat(chunks).toString('utf8'), req.headers).then(
        ({ status, text }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
          res.end(text)
        },
        (error: unknown) => {
          const text = JSON.stringify({ errors: [{ message: String((error as Error).message) }] })
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
          res.end(text)
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve))
}
