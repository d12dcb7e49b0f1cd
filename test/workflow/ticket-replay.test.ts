// Running tickets must survive new workflow code. Each history here (binary protobuf) was
// recorded by an earlier form of the ticket workflow, and today's code must replay it without a
// determinism error:
// - before the record-in-one-activity patch: assign, the 75% warning, the first reply, resolve,
//   the automatic close;
// - before the ticket-serialized-commands patch: a burst of concurrent commands whose handlers
//   interleaved (replies, resolve, a reopening customer reply, cancels), recorded by
//   test/support/record-history.ts ticket on main at 421da07;
// - with the ticket-serialized-commands patch: the same burst, run one command at a time;
// - with ticket-records-after-commit too: records by an ordinary activity instead of a local one;
// - one of the four stuck histories of ../shared/evidence/stuck-ticket-histories (recorded on
//   919bb57; the server refused its next completion with BadCancelTimerAttributes): it replays;
//   the other three cannot be replayed by any code and are repaired (api/stuck-workflows.ts);
// - claims and change requests before and with their patches (claim-one-decision,
//   change-request-serialized, claim-records-after-commit: a claim's records by an ordinary
//   activity instead of a local one): five concurrent decisions; concurrent reviews, an approval, a
//   decline and cancels (test/support/record-history.ts claim|change-request);
// - a claim and a change request that received a calendarsChanged signal before the
//   calendar-corrections patch (no handler yet: buffered, never handled), recorded on be1b793;
// - a claim burst with claim-deciders-told-on-filing (QA's in-app notice when the claim arrives),
//   recorded on branch h2; the histories before it carry no such marker and replay without it;
// - an Avanak ticket before the ticket-resolution-from-review-result patch (rule 13), recorded on
//   fe35a53 (test/support/record-history.ts ticket-avanak): a configurationChanged signal brought
//   it a policy whose fix counts from the review result, which that code ignored, and its fix
//   warning fired counted from the opening. Today's code must keep reading that ticket's fix
//   from the opening (without the patch check, the replay fails: the review's timers replace the
//   fix's).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const load = (name: string) =>
  temporal.api.history.v1.History.decode(readFileSync(path.join(__dirname, 'histories', name)));
const markers = (history: temporal.api.history.v1.IHistory) =>
  (history.events ?? []).flatMap((e) => {
    const details = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return details ? [JSON.parse(Buffer.from(details).toString()).id as string] : [];
  });

describe('workflow versioning', () => {
  it.each([
    ['ticket-before-record-patch.binpb', []],
    ['ticket-burst-before-serialized-patch.binpb', ['ticket-serialized-commands']],
    ['ticket-burst-serialized.binpb', ['ticket-records-after-commit']],
    ['ticket-burst-records-after-commit.binpb', []],
    ['ticket-stuck-bad-cancel-timer.binpb', ['ticket-serialized-commands']],
    ['claim-burst-before-serialized-patch.binpb', ['claim-one-decision']],
    ['claim-burst-serialized.binpb', ['claim-records-after-commit']],
    ['claim-burst-records-after-commit.binpb', ['claim-deciders-told-on-filing']],
    ['claim-burst-told-on-filing.binpb', []],
    ['change-request-burst-before-serialized-patch.binpb', ['change-request-serialized']],
    ['change-request-burst-serialized.binpb', []],
    // A calendarsChanged signal buffered by code without its handler: replayed as ignored.
    ['claim-calendar-signal-before-patch.binpb', ['claim-calendar-corrections']],
    ['change-request-calendar-signal-before-patch.binpb', ['change-request-calendar-corrections']],
    ['ticket-avanak-before-fix-from-review-patch.binpb', ['ticket-resolution-from-review-result']],
  ])(
    'replays %s',
    async (name, absentMarkers) => {
      const history = load(name);
      for (const marker of absentMarkers) expect(markers(history)).not.toContain(marker);
      await expect(
        Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, name),
      ).resolves.toBeUndefined();
    },
    120_000,
  );

  // The evidence histories as they are: three are refused by the SDK's own check, whatever the
  // workflow code (their migration is the repair: test/integration/stuck-evidence.test.ts).
  it.each([
    ['ticket-87373cef-4e97-403b-8717-241600946249.binpb', /TMPRL1100/],
    ['ticket-e35656ac-6ec9-4340-8063-c869bfedbd8a.binpb', /TMPRL1100/],
    ['ticket-ee847a2f-7c6f-4460-b63e-04387c27ae85.binpb', null],
    ['ticket-fd941d03-c8ae-4d46-9cf4-6612bd487a96.binpb', /TMPRL1100/],
  ])(
    'stuck evidence %s: replays or fails as recorded',
    async (name, failure) => {
      const replay = Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../workflows') },
        load(`stuck-evidence/${name}`),
        name,
      );
      if (failure) await expect(replay).rejects.toThrow(failure);
      else await expect(replay).resolves.toBeUndefined();
    },
    120_000,
  );

  it.each([
    ['ticket-burst-serialized.binpb', 'ticket-serialized-commands'],
    ['ticket-burst-records-after-commit.binpb', 'ticket-records-after-commit'],
    ['claim-burst-serialized.binpb', 'claim-one-decision'],
    ['claim-burst-records-after-commit.binpb', 'claim-records-after-commit'],
    ['claim-burst-told-on-filing.binpb', 'claim-deciders-told-on-filing'],
    ['change-request-burst-serialized.binpb', 'change-request-serialized'],
  ])('%s carries the %s patch', (name, marker) => {
    expect(markers(load(name))).toContain(marker);
  });

  it.each(['claim-calendar-signal-before-patch.binpb', 'change-request-calendar-signal-before-patch.binpb'])(
    '%s holds the calendarsChanged signal',
    (name) => {
      const signals = (load(name).events ?? []).flatMap(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? [],
      );
      expect(signals).toEqual(['calendarsChanged']);
    },
  );
});
