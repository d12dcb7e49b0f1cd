import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { notificationRoutes } from './notifications';
import { systemRoutes } from './system';

export const allRoutes: AnyRoute[] = [...systemRoutes, ...apiKeyRoutes, ...notificationRoutes];
