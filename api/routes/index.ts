import type { AnyRoute } from '../route';
import { apiKeyRoutes } from './api-keys';
import { systemRoutes } from './system';

export const allRoutes: AnyRoute[] = [...systemRoutes, ...apiKeyRoutes];
