/**
 * The browser, image and multi-host tests drive programs of the machine, not
 * npm packages: Debian's chromium, podman, buildah, debootstrap and haproxy.
 * On a fresh Debian machine where the tests run as root, `npm test` installs
 * the missing ones once, before any test starts, so `npm ci && npm test` holds
 * there as it does in CI. Elsewhere nothing is installed, and each test that
 * needs a program fails with a message naming the package.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** A program the tests run, and the Debian package that brings it. */
const NEEDED: readonly (readonly [program: string, pkg: string])[] = [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/podman', 'podman'],
  ['/usr/bin/buildah', 'buildah'],
  ['/usr/sbin/debootstrap', 'debootstrap'],
  ['/usr/sbin/haproxy', 'haproxy'],
  ['/usr/bin/newuidmap', 'uidmap'],
]

function aptGet(args: string[]): boolean {
  const run = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  return run.status === 0
}

export default function setup(): void {
  const missing = NEEDED.filter(([program]) => !existsSync(program)).map(([, pkg]) => pkg)
  if (missing.length === 0) return
  const root = process.getuid?.() === 0
  const debian = existsSync('/etc/debian_version') && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
  if (!root || !debian) {
    console.warn(`Tests that need ${missing.join(', ')} (Debian packages) will fail: install them, as root, to run every test`)
    return
  }
  console.log(`Installing the Debian packages the tests drive: ${missing.join(', ')}`)
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...missing]
  if (!aptGet(install) && !(aptGet(['update', '-qq']) && aptGet(install))) {
    // The tests that need them say which is missing; the rest still run.
    console.warn(`Could not install ${missing.join(', ')}; the tests that need them will fail`)
  }
}
