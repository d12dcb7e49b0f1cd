export { ticketWorkflow } from './ticket';
export { changeRequestWorkflow } from './change-request';
