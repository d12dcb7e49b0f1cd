/** The ticket's rules live with its state machine now; this name stays for older imports. */
export { TicketRules as TicketClockKeeper } from '../sla/ticket-machine';
