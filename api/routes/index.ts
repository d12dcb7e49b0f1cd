import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { notificationRoutes } from './notifications';
import { systemRoutes } from './system';
import { ticketRoutes } from './tickets';

export const allRoutes: AnyRoute[] = [...systemRoutes, ...apiKeyRoutes, ...notificationRoutes, ...ticketRoutes];
