// Running outages and claims must survive the outage-correction change (a new signal in each, and
// the outage's notice wait re-armed when a correction moves its deadline). These histories
// (binary protobuf) were recorded by the workflows before it: an outage whose notice deadline
// passed and escalated, one whose notice was posted in time, and a claim acknowledged and approved.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const historyOf = (name: string) =>
  temporal.api.history.v1.History.decode(readFileSync(path.join(__dirname, 'histories', name)));

describe('outage and claim workflows after outage corrections', () => {
  it.each([
    'outage-escalated-before-corrections.binpb',
    'outage-notice-posted-before-corrections.binpb',
    'claim-approved-before-corrections.binpb',
  ])(
    'replays %s',
    async (name) => {
      await expect(
        Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, historyOf(name), name),
      ).resolves.toBeUndefined();
    },
    120_000,
  );
});
