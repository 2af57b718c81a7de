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

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/**
 * For `npm test`: installs Debian's python3-stripe where no Python has stripe-python, with apt-get (as root, or
 * through passwordless sudo), saying what it does. Where that is impossible it says so, and the suite skips.
 * Returns the Python to use, or null.
 */
export function ensureStripePython(log: (line: string) => void = console.log): string | null {
  const found = findStripePython();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = succeeds('sh', ['-c', 'command -v apt-get']);
  const hasSudo = !isRoot && succeeds('sudo', ['-n', 'true']);
  if (!hasApt || (!isRoot && !hasSudo)) {
    log('stripe-python is not installed and apt-get cannot be used here (no apt-get, or neither root nor passwordless sudo): the stripe-python suite will be skipped. Install it with `apt-get install -y python3-stripe`.');
    return null;
  }
  const apt = (...args: string[]) => {
    const [command, full] = isRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
    return spawnSync(command, full, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 }).status === 0;
  };
  log("stripe-python is missing: installing Debian's python3-stripe for the stripe-python suite (apt-get install -y python3-stripe)…");
  let installed = apt('install', '-y', '--no-install-recommends', 'python3-stripe');
  if (!installed) {
    log('apt-get install failed; refreshing the package lists (apt-get update) and trying once more…');
    apt('update');
    installed = apt('install', '-y', '--no-install-recommends', 'python3-stripe');
  }
  const python = installed ? findStripePython() : null;
  log(python ? `python3-stripe installed (${python}).` : 'python3-stripe could not be installed: the stripe-python suite will be skipped.');
  return python;
}
