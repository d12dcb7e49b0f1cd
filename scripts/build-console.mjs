// On `npm install`: builds the web console (bin/build-console.ts) when its sources are here. An
// install that copies only the manifests (the Dockerfile's dependency layer) has nothing to build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('console/index.html') || !existsSync('bin/build-console.ts')) {
  console.log('build-console: no console sources here; skipped');
  process.exit(0);
}
const result = spawnSync('npx', ['tsx', 'bin/build-console.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
