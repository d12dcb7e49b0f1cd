import { z } from 'zod';
import { CHANNELS, PRIORITIES, RECIPIENTS, RESOLUTION_ANCHORS } from '../../sla/policy';
import { configKey, timestamp } from './common';
import { ticketPolicyDefinition } from './policies';

export const slaPreviewBody = z
  .strictObject({
    preset: configKey.optional().describe('Key of a ticket policy, e.g. owj-agile (the presets and any other plan)'),
    policyId: z.uuid().optional().describe('Id of a ticket policy'),
    priority: z.enum(PRIORITIES),
    openedAt: timestamp.describe('ISO-8601 with an offset, e.g. 2026-11-25T16:00:00+03:30'),
    definition: ticketPolicyDefinition
      .optional()
      .describe(
        'An unsaved edit of that policy (the body PATCH /v1/policies/{id} would take as `definition`): the preview computes with it instead of what is stored, checked as saving would check it, and saves nothing',
      ),
  })
  .refine((body) => (body.preset === undefined) !== (body.policyId === undefined), {
    message: 'give exactly one of preset and policyId',
    path: ['preset'],
  });

const tehranInstant = z.string().describe('ISO-8601 with the Tehran offset');

const alarm = z.object({
  kind: z.enum(['warning', 'breach', 'escalation']),
  percent: z.number().describe('Share of the allowed business time used'),
  at: tehranInstant,
  atJalali: z.string(),
  atJalaliLatin: z.string(),
  action: z.object({ channel: z.enum(CHANNELS), recipients: z.array(z.enum(RECIPIENTS)) }),
});

const targetPreview = z.object({
  target: z.enum(['first_response', 'resolution', 'review']),
  unit: z.string(),
  amount: z.number().nullable(),
  calendar: z.string().describe('Key of the calendar the target counts on'),
  countsFrom: z
    .enum(RESOLUTION_ANCHORS)
    .describe(
      "Where the target starts: the opening, or (a resolution under rule 13, Avanak's fix) the review result, so that it has no deadline until the review",
    ),
  dueAt: tehranInstant
    .nullable()
    .describe(
      'null where the target is none, a review that sets no date yet, or a resolution that counts from the review result',
    ),
  dueAtJalali: z.string().nullable().describe('e.g. ۱۴۰۵/۰۹/۰۴ ساعت ۱۶:۰۰'),
  dueAtJalaliLatin: z.string().nullable().describe('e.g. 1405/09/04 16:00'),
  businessMinutesAllowed: z.number().nullable(),
  alarms: z.array(alarm).describe('Warnings, the breach and further escalations, in the order they fall due'),
});

export const slaPreviewResponse = z.object({
  policy: z.object({ id: z.uuid(), key: z.string(), name: z.string(), version: z.number().int() }),
  priority: z.enum(PRIORITIES),
  ticketsAllowed: z.boolean(),
  openedAt: tehranInstant,
  openedAtJalali: z.string(),
  openedAtJalaliLatin: z.string(),
  firstResponseDueAt: tehranInstant.nullable(),
  resolutionDueAt: tehranInstant.nullable(),
  reviewDueAt: tehranInstant
    .nullable()
    .describe(
      'Set only where the resolution target is a review (Pasban rule 5) or counts from the review result (rule 13)',
    ),
  targets: z.array(targetPreview),
});
