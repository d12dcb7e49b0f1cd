import { z } from 'zod';
import { breachRecipientProblems } from '../../store/readiness';
import { defineRoute } from '../route';
import { STAFF } from '../schemas/common';

/** Readiness of the configuration, before a breach makes a gap bite (issue 14, item 9). */
export const readinessRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/readiness/breach-recipients',
    tag: 'system',
    summary:
      'Every plan in use whose breach notices have no reachable recipient (e.g. an SMS to a department manager with no phone on file)',
    roles: STAFF,
    response: z.object({
      ready: z.boolean(),
      problems: z.array(
        z.object({
          planKey: z.string(),
          productKey: z.string(),
          departmentId: z.uuid(),
          departmentName: z.string(),
          priority: z.string(),
          level: z.string(),
          channel: z.enum(['sms', 'email', 'in_app']),
          recipient: z.string(),
          missing: z
            .string()
            .describe(
              'What to fill in: the department field (e.g. managerPhone) when the department\'s columns are how the recipient is reached; when it is reached through people (its manager users, the vendor\'s senior-management users), their phone or e-mail, naming them, e.g. "phone of a manager user: none of Ali, Sara has one"',
            ),
        }),
      ),
    }),
    handler: async ({ deps }) => {
      const problems = await breachRecipientProblems(deps.db, Date.now());
      return { ready: problems.length === 0, problems };
    },
  }),
];
