/**
 * SDL of the types the SDL-first (mercurius) subgraphs share with the others,
 * written from the same lists, so that they compose as identical types.
 */
import { COMPONENT_IDS } from './components.js'
import { PUBLICATION_IDS } from './publications.js'
import { SCALARS_SDL } from './scalars.js'

const enumSdl = (name: string, description: string, values: readonly string[]) =>
  `"""${description}"""\nenum ${name} {\n${values.map((v) => `  ${v}`).join('\n')}\n}\n`

export const SHARED_SDL = `
${SCALARS_SDL}
${enumSdl('PublicationId', 'Every publication that HD4RES v2 offers researchers.', PUBLICATION_IDS)}
${enumSdl('ComponentId', 'The technical components of the platform that hold study records or serve the project.', COMPONENT_IDS)}
"""Returned in place of a publication that is not yet available in HD4RES v2."""
type PublicationUnderDevelopment {
  publication: PublicationId!
  title: String!
  message: String!
  expectedAvailability: Date
}
`
