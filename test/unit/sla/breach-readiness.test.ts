import { unreachableBreachRecipients } from '../../../sla/breach-readiness';
import { ticketPolicyPresets } from '../../../sla/presets';

const none = { managerPhone: null, managerEmail: null, seniorManagerPhone: null, seniorManagerEmail: null };

describe('breach notices that can reach nobody', () => {
  it('are the Owj critical and high SMS to a department manager without a phone, and the senior-management escalations', () => {
    const problems = unreachableBreachRecipients(ticketPolicyPresets['owj-committed'], none);
    const breaches = problems.filter((p) => p.level === 'breach');
    expect(breaches).toEqual([
      {
        priority: 'critical',
        level: 'breach',
        channel: 'sms',
        recipient: 'department_manager',
        missing: 'managerPhone',
      },
      { priority: 'high', level: 'breach', channel: 'sms', recipient: 'department_manager', missing: 'managerPhone' },
    ]);
  });

  it('are none once the phones are on file (in-app notices always reach the inbox)', () => {
    const phones = {
      ...none,
      managerPhone: '09121234567',
      seniorManagerPhone: '09127654321',
      managerEmail: 'm@example.test',
      seniorManagerEmail: 's@example.test',
    };
    expect(unreachableBreachRecipients(ticketPolicyPresets['owj-committed'], phones)).toEqual([]);
  });
});
