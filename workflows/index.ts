export { ticketWorkflow } from './ticket';
export { changeRequestWorkflow } from './change-request';
export { claimWorkflow } from './claim';
export { outageWorkflow } from './outage';
