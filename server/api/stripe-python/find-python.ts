import { spawnSync } from 'node:child_process';

/**
 * The first Python that can import stripe-python: $PYTHON, then python3 on the PATH, then Debian's own
 * /usr/bin/python3 (where `apt-get install python3-stripe` puts the library, even when the PATH's python3 is
 * another installation). Shared by the stripe-python suite and the test runner that installs the library.
 */
export function findStripePython(): string | null {
  const candidates = [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => Boolean(c)))];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import stripe'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) return candidate;
  }
  return null;
}
