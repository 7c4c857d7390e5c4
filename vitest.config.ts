import { createRequire } from 'node:module'
import { defineConfig } from 'vitest/config'

const require = createRequire(import.meta.url)

export default defineConfig({
  resolve: {
    // graphql ships CommonJS and ESM builds; the libraries load the CommonJS one,
    // so the tests must too, or `instanceof` checks across the two copies fail.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['{test,platform,gateway,subgraphs,collectors,demo,compose,launch}/**/*.test.ts'],
    // Each end-to-end file boots a whole graph: give it room, and run files in separate processes.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    setupFiles: ['reflect-metadata'],
    // Once, before any file: the Debian programs the browser, image and multi-host tests drive.
    globalSetup: ['test/setup/systemPackages.ts'],
  },
})
