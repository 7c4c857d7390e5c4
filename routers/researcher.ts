/**
 * What a third-party router needs to stand where our gateway stands: the
 * researcher signed in by the gateway's own verifier (gateway/auth.ts), their
 * projects asked of the registry by the gateway's own memberships lookup
 * (gateway/access.ts), and the identity header signed by the one protocol
 * module (platform/identity.ts). Nothing here decides anything of its own, so
 * a router and our gateway cannot come to disagree on who may see what.
 */
import { loadDevIssuer, oidcVerifier, type Verifier } from '../gateway/auth.js'
import { createAccessResolver, type MembershipWindows } from '../gateway/access.js'
import { GatewayError } from '../gateway/errors.js'
import { requestIdOf } from '../gateway/stages/requestId.js'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { REQUEST_ID_HEADER } from '../platform/headers.js'
import { IDENTITY_HEADER, signIdentity, type Identity } from '../platform/identity.js'
import type { Settings } from '../platform/settings.js'
import { settingsProblems, SettingsProblem } from '../launch/checks.js'

export { IDENTITY_HEADER, REQUEST_ID_HEADER }

export interface ResearcherSignInOptions {
  verifier: Verifier
  /** The participants subgraph's address: it owns the memberships. */
  participantsUrl: string
  /** HD4RES_IDENTITY_SECRET, the one the subgraphs verify with. */
  identitySecret: string
  windows: MembershipWindows
}

/** A refusal of the whole request: its status, the GraphQL error body and the headers (Retry-After) that go with it. */
export interface Refusal {
  status: number
  body: { errors: { message: string; extensions: { code: string } }[] }
  headers: Readonly<Record<string, string>>
}

export interface ResearcherSignIn {
  /** The researcher an Authorization header names, with the projects they may see; throws a GatewayError (401, 503) when refused. */
  identify(authorization: string | undefined): Promise<Identity>
  /** The identity header's value for one request, valid for IDENTITY_LIFETIME_MS. */
  sign(identity: Identity): string
}

export function createResearcherSignIn(options: ResearcherSignInOptions): ResearcherSignIn {
  const access = createAccessResolver({ participantsUrl: options.participantsUrl, secret: options.identitySecret })
  return {
    async identify(authorization) {
      const claims = await options.verifier.verify(authorization)
      return access.identityFor(claims, options.windows)
    },
    sign: (identity) => signIdentity(identity, options.identitySecret),
  }
}

/** A refusal as our gateway answers it (same code, status and message); anything else is not a refusal and is thrown on. */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof GatewayError)) throw error
  return { status: error.status, body: error.toBody(), headers: error.headers }
}

/** The request id as our gateway takes it: the caller's when it is a plain token of 8 to 100 characters, else a new one. */
export function requestIdFrom(given: string | null | undefined): string {
  const headers: IncomingHttpHeaders = given ? { [REQUEST_ID_HEADER]: given } : {}
  return requestIdOf({ headers } as IncomingMessage)
}

/**
 * The sign-in a router gets from the settings our gateway reads
 * (HD4RES_IDENTITY_SECRET, HD4RES_OIDC_*, HD4RES_CLAIM_*, HD4RES_MEMBERSHIPS_*,
 * HD4RES_SUBGRAPH_PARTICIPANTS_URL). Without an OIDC provider, outside
 * production, tokens of the development issuer kept in HD4RES_DATA_DIR (the
 * one `npm start` prints tokens of) are accepted.
 */
export async function researcherSignInFrom(settings: Settings): Promise<ResearcherSignIn> {
  const problems = settingsProblems(settings, 'gateway')
  const participantsUrl = settings.subgraphUrls.participants
  if (!participantsUrl) {
    problems.push('Set HD4RES_SUBGRAPH_PARTICIPANTS_URL: the router asks the participants subgraph which projects a researcher may see')
  }
  if (problems.length > 0) throw new SettingsProblem(problems)
  const verifier = settings.oidc
    ? oidcVerifier(settings.oidc, settings.oidcAlgorithms, settings.claims)
    : (await loadDevIssuer(settings.dataDir)).verifier
  return createResearcherSignIn({
    verifier,
    participantsUrl: participantsUrl!,
    identitySecret: settings.identitySecret!,
    windows: { freshMs: settings.limits.membershipsTtlMs, staleMs: settings.limits.membershipsStaleMs },
  })
}
