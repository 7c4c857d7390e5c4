/** The texts' types and languages live in platform/ (the gateway picks its own texts too); the subgraphs read them here. */
export * from '../../../platform/texts.js'
