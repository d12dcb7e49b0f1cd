import { TestWorkflowEnvironment } from '@temporalio/testing';

/** Temporal's real time-skipping test server, from the binary the global setup located. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  return TestWorkflowEnvironment.createTimeSkipping(
    path ? { server: { executable: { type: 'existing-path', path } } } : {},
  );
}
