import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { changeRequestRoutes } from './change-requests';
import { configurationRoutes } from './configuration';
import { notificationRoutes } from './notifications';
import { systemRoutes } from './system';
import { ticketRoutes } from './tickets';

export const allRoutes: AnyRoute[] = [...systemRoutes, ...apiKeyRoutes, ...configurationRoutes, ...notificationRoutes, ...ticketRoutes, ...changeRequestRoutes];
