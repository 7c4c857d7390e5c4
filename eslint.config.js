// Lint: typescript-eslint's recommended rules on every TypeScript file, and the
// rooms' boundaries (docs/architecture.md): what each folder may import.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** A folder's forbidden neighbours, each with the reason the lint error gives. */
const keepOut = (rooms) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: rooms.map(([room, why]) => ({ group: [`**/${room}/*`, `**/${room}/**`], message: why })),
    },
  ],
})

const PROTOCOL = 'what the gateway and the subgraphs share lives in platform/'
const ROOTS = 'composition roots (launch/) and tools (compose/, bin/, bench/) import the parts, never the other way round'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'scratch/', 'schema/', 'coverage/', 'client/generated/', 'subgraphs/*/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely shaped GraphQL answers.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['platform/**/*.ts'],
    rules: keepOut([
      ['gateway', 'platform/ is shared by every part: it imports none of them'],
      ['subgraphs', 'platform/ is shared by every part: it imports none of them'],
      ['demo', ROOTS],
      ['launch', ROOTS],
      ['compose', ROOTS],
      ['collectors', ROOTS],
      ['bin', ROOTS],
    ]),
  },
  {
    files: ['gateway/**/*.ts'],
    ignores: ['gateway/**/*.test.ts'],
    rules: {
      // The request's route reads as a list of short stages; a long function is a stage that wants splitting.
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      ...keepOut([
        ['subgraphs', `the gateway talks to the subgraphs over HTTP only; ${PROTOCOL}`],
        ['demo', ROOTS],
        ['launch', ROOTS],
        ['compose', ROOTS],
        ['collectors', ROOTS],
        ['bin', ROOTS],
      ]),
    },
  },
  {
    // A third-party router's add-ons take our gateway's sign-in and memberships, never the gateway itself.
    files: ['routers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/gateway/*',
                '!**/gateway/stages',
                '!**/gateway/auth.js',
                '!**/gateway/access.js',
                '!**/gateway/errors.js',
                '**/gateway/stages/*',
                '!**/gateway/stages/requestId.js',
              ],
              message: 'routers/ reuses the sign-in and memberships modules only (auth, access, errors, the request id), not the gateway',
            },
            { group: ['**/launch/**', '!**/launch/checks.js'], message: ROOTS },
            ...['subgraphs', 'demo', 'compose', 'collectors', 'bin'].map((room) => ({
              group: [`**/${room}/*`, `**/${room}/**`],
              message: `a router talks to the subgraphs over HTTP only; ${PROTOCOL}`,
            })),
          ],
        },
      ],
    },
  },
  {
    files: ['subgraphs/**/*.ts'],
    ignores: ['subgraphs/**/*.test.ts'],
    rules: keepOut([
      ['gateway', `a subgraph answers the gateway over HTTP and never imports it; ${PROTOCOL}`],
      ['demo', 'demo data flows one way: demo/ writes through the subgraphs, no subgraph imports demo/'],
      ['launch', ROOTS],
      ['compose', ROOTS],
      ['collectors', ROOTS],
      ['bin', ROOTS],
    ]),
  },
)
