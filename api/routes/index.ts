import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { sessionRoutes } from './sessions';
import { userRoutes } from './users';
import { availabilityRoutes } from './availability';
import { changeRequestRoutes } from './change-requests';
import { claimRoutes } from './claims';
import { configurationRoutes } from './configuration';
import { customerProductRoutes } from './customer-products';
import { allowanceRoutes } from './allowances';
import { hoursRoutes } from './hours';
import { notificationRoutes } from './notifications';
import { outageCorrectionRoutes } from './outage-corrections';
import { outageRoutes } from './outages';
import { readinessRoutes } from './readiness';
import { reportRoutes } from './reports';
import { systemRoutes } from './system';
import { ticketRoutes } from './tickets';
import { webhookRoutes } from './webhooks';

export const allRoutes: AnyRoute[] = [
  ...systemRoutes,
  ...apiKeyRoutes,
  ...sessionRoutes,
  ...userRoutes,
  ...configurationRoutes,
  ...notificationRoutes,
  ...ticketRoutes,
  ...customerProductRoutes,
  ...hoursRoutes,
  ...allowanceRoutes,
  ...changeRequestRoutes,
  ...outageRoutes,
  ...outageCorrectionRoutes,
  ...availabilityRoutes,
  ...claimRoutes,
  ...reportRoutes,
  ...webhookRoutes,
  ...readinessRoutes,
];
