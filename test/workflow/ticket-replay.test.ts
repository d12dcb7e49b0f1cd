// Running tickets must survive new workflow code. This history (binary protobuf) was recorded by
// the ticket workflow before the record-in-one-activity patch — assign, the 75% warning, the
// first reply, resolve, the automatic close — and today's code must replay it without a
// determinism error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const history = temporal.api.history.v1.History.decode(
  readFileSync(path.join(__dirname, 'histories', 'ticket-before-record-patch.binpb')),
);

describe('ticket workflow versioning', () => {
  it('replays a ticket recorded before the record-in-one-activity patch', async () => {
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, 'ticket-history-before-patch'),
    ).resolves.toBeUndefined();
  }, 120_000);
});
