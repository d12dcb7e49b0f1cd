import { locateTemporalBinary } from '../../platform/temporal-binaries';

/** Finds (or installs) the time-skipping test server once, for every workflow test file. */
export default async function globalSetup(): Promise<void> {
  const found = locateTemporalBinary('testServer');
  if (found.kind === 'path') process.env.TEMPORAL_TEST_SERVER_PATH = found.path;
}
