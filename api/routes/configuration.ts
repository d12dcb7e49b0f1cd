import { calendarRoutes } from './admin-calendars';
import { contractRoutes } from './admin-contracts';
import { customerRoutes } from './admin-customers';
import { holidayRoutes } from './admin-holidays';
import { policyRoutes } from './admin-policies';
import { productRoutes } from './admin-products';
import { vendorRoutes } from './admin-vendors';
import { slaPreviewRoutes } from './sla-preview';

/** SLA configuration (calendars, holidays, plan terms), the organisation and its customers, and the deadline preview. */
export const configurationRoutes = [
  ...calendarRoutes,
  ...holidayRoutes,
  ...policyRoutes,
  ...vendorRoutes,
  ...productRoutes,
  ...customerRoutes,
  ...contractRoutes,
  ...slaPreviewRoutes,
];
