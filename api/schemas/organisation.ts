import { z } from 'zod';
import { configKey, email, label, phone, timestamp } from './common';

/** Vendors, their product departments (whose managers escalations reach) and their products. */

const nonEmpty = (body: object) => Object.keys(body).length > 0;
const NOTHING_TO_CHANGE = 'name at least one field to change';

export const createVendorBody = z.strictObject({ key: configKey, name: label, nameFa: label });
export const updateVendorBody = z
  .strictObject({ name: label.optional(), nameFa: label.optional() })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const vendorResponse = z.object({
  id: z.uuid(),
  key: z.string(),
  name: z.string(),
  nameFa: z.string(),
  createdAt: timestamp,
});

const departmentContacts = {
  managerName: label.describe('The product department manager breaches of critical and high tickets reach'),
  managerPhone: phone.nullable().optional(),
  managerEmail: email.nullable().optional(),
  seniorManagerName: label.nullable().optional().describe('Senior management, reached by further escalations'),
  seniorManagerPhone: phone.nullable().optional(),
  seniorManagerEmail: email.nullable().optional(),
};

export const createDepartmentBody = z.strictObject({ vendorId: z.uuid(), name: label, ...departmentContacts });

export const updateDepartmentBody = z
  .strictObject({ name: label.optional(), ...departmentContacts, managerName: label.optional() })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const departmentListQuery = z.strictObject({ vendorId: z.uuid().optional() });

export const departmentResponse = z.object({
  id: z.uuid(),
  vendorId: z.uuid(),
  name: z.string(),
  managerName: z.string(),
  managerPhone: z.string().nullable(),
  managerEmail: z.string().nullable(),
  seniorManagerName: z.string().nullable(),
  seniorManagerPhone: z.string().nullable(),
  seniorManagerEmail: z.string().nullable(),
  createdAt: timestamp,
});

const productTerms = {
  endOfSupportAt: timestamp
    .nullable()
    .optional()
    .describe('From this instant no tickets or change requests are accepted'),
  creditTable: z
    .enum(['owj', 'avanak'])
    .nullable()
    .optional()
    .describe('The availability credit table compensation claims use'),
  claimPolicyKey: configKey.nullable().optional().describe('Key of the claim policy for this product'),
  changePolicyKey: configKey.nullable().optional().describe('Key of the change-request policy for this product'),
};

export const createProductBody = z.strictObject({
  key: configKey,
  vendorId: z.uuid(),
  departmentId: z.uuid(),
  name: label,
  nameFa: label,
  ...productTerms,
});

export const updateProductBody = z
  .strictObject({
    departmentId: z.uuid().optional(),
    name: label.optional(),
    nameFa: label.optional(),
    ...productTerms,
  })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const productListQuery = z.strictObject({ vendorId: z.uuid().optional(), departmentId: z.uuid().optional() });

export const productResponse = z.object({
  id: z.uuid(),
  key: z.string(),
  vendorId: z.uuid(),
  departmentId: z.uuid(),
  name: z.string(),
  nameFa: z.string(),
  endOfSupportAt: timestamp.nullable(),
  creditTable: z.string().nullable(),
  claimPolicyKey: z.string().nullable(),
  changePolicyKey: z.string().nullable(),
  createdAt: timestamp,
});
