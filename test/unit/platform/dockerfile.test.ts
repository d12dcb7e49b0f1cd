// The image serves the web console at `/`: docker cannot run here, so this reads the recipe the way
// docker does (stages, what each copies) and checks the console is built in it as `npm start` builds it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim());

/** Each stage's name and its instructions (continuation lines joined). */
function stages(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) result.set(from[1]!, (current = [line]));
    else if (current && /^[A-Z]+\s/.test(line)) current.push(line);
  }
  return result;
}

describe('Dockerfile: the web console in the image', () => {
  const all = stages();

  it('has a console stage that builds it with bin/build-console.ts, as npm install and npm start do', () => {
    const stage = all.get('console');
    expect(stage).toBeDefined();
    expect(stage!.some((line) => /^RUN .*npx tsx bin\/build-console\.ts/.test(line))).toBe(true);
    // The build needs the devDependencies (Vite, openapi-typescript): the stage starts from the unpruned install.
    expect(stage![0]).toMatch(/^FROM deps AS console/);
    expect(all.get('deps')!.some((line) => /npm prune/.test(line))).toBe(false);
  });

  it('copies the built console into the runtime image, with pruned node_modules', () => {
    const runtime = all.get('runtime')!;
    expect(runtime).toContain('COPY --from=console /app/console/dist ./console/dist');
    const fromPrune = runtime.find((line) => /node_modules/.test(line))!;
    const pruneStage = /--from=(\S+)/.exec(fromPrune)![1]!;
    expect(all.get(pruneStage)!.some((line) => /npm prune --omit=dev/.test(line))).toBe(true);
    // The built console comes after the sources, so a stale local build cannot overwrite it.
    expect(runtime.indexOf('COPY . .')).toBeLessThan(
      runtime.indexOf('COPY --from=console /app/console/dist ./console/dist'),
    );
  });

  it('keeps a local console build and its generated types out of the build context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['console/dist', 'console/generated']));
  });
});
