/**
 * Whether a plan's breach notices can reach anyone (issue 14, item 9): an SMS to the department
 * manager needs the department's phone on file, an e-mail its address; in-app notices reach the
 * role's inbox. The gap is listed before a breach makes it bite.
 */
import type { BreachAction, Channel, TicketPolicy } from './policy';
import { PRIORITIES } from './policy';

export interface DepartmentContacts {
  managerPhone: string | null;
  managerEmail: string | null;
  seniorManagerPhone: string | null;
  seniorManagerEmail: string | null;
}

export interface UnreachableRecipient {
  priority: string;
  /** `breach`, or the escalation level, e.g. `escalation at 150%`. */
  level: string;
  channel: Channel;
  recipient: string;
  missing: keyof DepartmentContacts;
}

function missingContact(channel: Channel, recipient: string): keyof DepartmentContacts | null {
  if (channel === 'in_app') return null;
  if (recipient === 'department_manager') return channel === 'sms' ? 'managerPhone' : 'managerEmail';
  if (recipient === 'senior_management') return channel === 'sms' ? 'seniorManagerPhone' : 'seniorManagerEmail';
  return null;
}

export function unreachableBreachRecipients(
  policy: TicketPolicy,
  department: DepartmentContacts,
): UnreachableRecipient[] {
  const problems: UnreachableRecipient[] = [];
  const check = (priority: string, level: string, action: BreachAction) => {
    for (const recipient of action.recipients) {
      const missing = missingContact(action.channel, recipient);
      if (missing && !department[missing]?.trim())
        problems.push({ priority, level, channel: action.channel, recipient, missing });
    }
  };
  for (const priority of PRIORITIES) {
    check(priority, 'breach', policy.priorities[priority].breachAction);
    for (const escalation of policy.escalations)
      check(priority, `escalation at ${escalation.atPercent}%`, escalation.action);
  }
  return problems;
}
