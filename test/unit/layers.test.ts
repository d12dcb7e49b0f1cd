// The folders are layers and their imports point one way (README "Where things live"). This
// reads every import of the application folders with TypeScript's parser and checks each
// against the table below, type-only imports included, so a layer cannot lean on another by a
// side door. `bin/` (entry points, the assembly of the API and the worker) may import anything.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.join(__dirname, '..', '..');

type Folder = 'sla' | 'workflows' | 'activities' | 'store' | 'platform' | 'api';
/** What each folder may import, besides itself and npm packages; `type` = type-only imports. */
const allowed: Record<Folder, Partial<Record<string, 'any' | 'type'>>> = {
  sla: {},
  workflows: { sla: 'any', activities: 'type' },
  activities: { sla: 'any', store: 'any', platform: 'any', generated: 'any' },
  store: { sla: 'any', platform: 'any', generated: 'any' },
  platform: { sla: 'any', generated: 'any' },
  api: { sla: 'any', workflows: 'any', activities: 'any', store: 'any', platform: 'any', generated: 'any' },
};

interface Import {
  from: string;
  folder: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

function importsOf(file: string, text = readFileSync(path.join(root, file), 'utf8')): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    const target = path.normalize(path.join(path.dirname(file), specifier.text));
    found.push({ from: file, folder: target.split(path.sep)[0]!, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allNamedTypes =
        clause?.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.name === undefined &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || allNamedTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const folders = Object.keys(allowed) as Folder[];
const importsByFolder = new Map(
  folders.map((folder) => [folder, sourceFiles(folder).flatMap((file) => importsOf(file))]),
);

describe('layers', () => {
  it.each(folders)('%s/ imports only the layers beneath it', (folder) => {
    const imports = importsByFolder.get(folder)!;
    expect(imports.length).toBeGreaterThan(0);
    const wrong = imports
      .filter((i) => i.folder !== folder)
      .filter((i) => {
        const rule = allowed[folder][i.folder];
        return rule === undefined || (rule === 'type' && !i.typeOnly);
      })
      .map((i) => `${i.from} → ${i.folder}/${i.typeOnly ? ' (type)' : ''}`);
    expect(wrong).toEqual([]);
  });

  it('no two folders import each other, directly or through others', () => {
    const edges = new Map<string, Set<string>>();
    for (const [folder, imports] of importsByFolder) {
      edges.set(folder, new Set(imports.map((i) => i.folder).filter((target) => target !== folder)));
    }
    const cycles: string[] = [];
    const walk = (folder: string, trail: string[]) => {
      if (trail.includes(folder)) {
        cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' → '));
        return;
      }
      for (const next of edges.get(folder) ?? []) walk(next, [...trail, folder]);
    };
    for (const folder of folders) walk(folder, []);
    expect(cycles).toEqual([]);
  });

  it('tells type-only imports from value imports, in every form', () => {
    const text = [
      "import type { A } from '../workflows/claim';",
      "import { type B } from '../workflows/ticket';",
      "import { c, type D } from '../activities/claims';",
      "export * from '../sla/claims';",
      "export type { E } from '../store/sla-config';",
      "type F = import('../platform/config').Config;",
      "const g = import('../api/app');",
      "import { h } from './same-folder';",
      "import express from 'express';",
    ].join('\n');
    expect(importsOf('activities/probe.ts', text).map((i) => `${i.folder}${i.typeOnly ? ':type' : ''}`)).toEqual([
      'workflows:type',
      'workflows:type',
      'activities',
      'sla',
      'store:type',
      'platform:type',
      'api',
      'activities',
    ]);
  });
});
