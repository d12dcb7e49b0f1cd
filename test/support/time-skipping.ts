import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

let runtimeInstalled = false;

/** Temporal's real time-skipping test server, from the binary the global setup located. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // Worker state changes and bundler chatter at INFO would drown the test report.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  return TestWorkflowEnvironment.createTimeSkipping(
    path ? { server: { executable: { type: 'existing-path', path } } } : {},
  );
}

/** The workflows folder bundled once per test file, without the bundler's chatter. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  const logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger });
}
