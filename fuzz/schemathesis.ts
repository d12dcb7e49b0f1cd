/**
 * Schemathesis (pinned 4.32.5, from PyPI into .tools/schemathesis by scripts/schemathesis.sh) as
 * an independent check of the OpenAPI document against the running API: every operation, with
 * an admin key, `SCHEMATHESIS_EXAMPLES` generated cases each. Checks: no 5xx, every status and
 * content type documented, 2xx bodies match their schema, and schema-valid requests accepted
 * (positive data) — except where a documented cross-field rule (api/cross-field-rules.ts) or a
 * business rule (422: eligibility, a referenced record that does not exist) refuses them.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CROSS_FIELD_RULES } from '../api/cross-field-rules';

const root = path.resolve(__dirname, '..');
/** SCHEMATHESIS_CHECKS narrows them (CI gates on the four conformance checks; see the README for positive data). */
export const SCHEMATHESIS_CHECKS = (
  process.env.SCHEMATHESIS_CHECKS ??
  'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance'
).split(',');

/**
 * The config: the checks are chosen HERE, not with `--checks` on the command line — Schemathesis
 * (4.32.5, config/_checks.py `from_hierarchy`) lets a check named on the command line win over an
 * `[[operations]]` section's `enabled = false`, so the per-operation exclusions below would not
 * take effect. Positive data expects 2xx and the refusals no schema can foresee; the operations
 * with a documented cross-field rule skip it (only that check, only there).
 */
export function schemathesisConfig(checks: readonly string[] = SCHEMATHESIS_CHECKS): string {
  const operations = Object.keys(CROSS_FIELD_RULES).map((operation) => {
    const [method, route] = operation.split(' ');
    return `[[operations]]\ninclude-method = "${method}"\ninclude-path = "${route}"\nchecks.positive_data_acceptance.enabled = false\n`;
  });
  return [
    '[checks]',
    '# every check off unless chosen (SCHEMATHESIS_CHECKS)',
    'enabled = false',
    '',
    ...checks.flatMap((check) => [
      `[checks.${check}]`,
      'enabled = true',
      ...(check === 'positive_data_acceptance'
        ? [
            '# 404: random ids; 409: state; 422: eligibility and records the body names that do not exist',
            'expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]',
          ]
        : []),
      '',
    ]),
    ...operations,
  ].join('\n');
}

/** Revoking keys is left out: Schemathesis finds the ids in the listing and would revoke its own key. */
export async function runSchemathesis(options: {
  apiUrl: string;
  key: string;
  examples: number;
  seed: number;
  resultsDir: string;
}): Promise<number> {
  const configFile = path.join(options.resultsDir, 'schemathesis.toml');
  writeFileSync(configFile, schemathesisConfig());
  const args = schemathesisArgs(configFile, options);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'scripts', 'schemathesis.sh'), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** The command line: no `--checks` (see schemathesisConfig). */
export function schemathesisArgs(
  configFile: string,
  options: { apiUrl: string; key: string; examples: number; seed: number; resultsDir: string },
): string[] {
  return [
    '--config-file',
    configFile,
    'run',
    `${options.apiUrl}/openapi.json`,
    '--url',
    options.apiUrl,
    '--header',
    `Authorization: Bearer ${options.key}`,
    '--phases',
    'examples,fuzzing',
    '--max-examples',
    String(options.examples),
    '--seed',
    String(options.seed),
    '--exclude-operation-id',
    'deleteV1ApiKeysId',
    '--no-color',
    '--report',
    'junit',
    '--report-junit-path',
    path.join(options.resultsDir, 'junit.xml'),
  ];
}
