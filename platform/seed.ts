import type { PolicyKind } from '../generated/prisma/enums';
import { formatIsoDate } from '../sla/civil-date';
import { iranianOfficialHolidays } from '../sla/holidays';
import { epochDayFromJalali } from '../sla/jalali';
import { PUBLISHED_YEARS } from '../sla/official-holidays';
import {
  calendarPresets,
  changeRequestPolicyPresets,
  claimPolicyPresets,
  entitlementPresets,
  POLICY_PRESET_KEYS,
  ticketPolicyPresets,
  type PolicyPresetKey,
} from '../sla/presets';
import { asJson, type Database } from './database';
import type { Logger } from './logger';

export const OFFICIAL_HOLIDAY_SET = 'ir-official';
const HOLIDAY_YEARS = [1404, 1407] as const;

/** The four vendors of the README's "SLA rules and presets", each with a product department and its products. */
const VENDORS = [
  {
    key: 'amoot',
    name: 'Amoot',
    nameFa: 'آموت',
    department: { name: 'Product departments', managerName: 'مدیر واحدهای محصول' },
    products: [
      {
        key: 'owj',
        name: 'Owj',
        nameFa: 'اوج',
        creditTable: 'owj',
        plans: ['owj-basic', 'owj-committed', 'owj-agile'],
      },
      { key: 'avanak', name: 'Avanak', nameFa: 'آوانک', creditTable: 'avanak', plans: ['avanak'] },
    ],
  },
  {
    key: 'kian',
    name: 'Kian Pardaz Hooshmand',
    nameFa: 'کیان پرداز هوشمند',
    department: { name: 'CRM support', managerName: 'مدیر پشتیبانی' },
    products: [
      {
        key: 'kian-crm',
        name: 'Kian CRM',
        nameFa: 'سی‌آر‌ام کیان',
        creditTable: null,
        plans: ['kian-product-bronze', 'kian-product-silver', 'kian-product-gold'],
      },
      {
        key: 'kian-crm-project',
        name: 'Kian CRM project',
        nameFa: 'پروژه سی‌آر‌ام کیان',
        creditTable: null,
        plans: ['kian-project-basic', 'kian-project-silver', 'kian-project-gold'],
      },
    ],
  },
  {
    key: 'iotex',
    name: 'Iotex',
    nameFa: 'آیوتکس',
    department: { name: 'Product analysis', managerName: 'مدیر تحلیل محصول' },
    products: [
      {
        key: 'iotex-suite',
        name: 'Iotex suite',
        nameFa: 'نرم‌افزار آیوتکس',
        creditTable: null,
        plans: ['iotex-basic', 'iotex-standard', 'iotex-premium'],
      },
    ],
  },
] as const;

/**
 * Writes the presets: calendars, the official holidays of the coming years, every vendor's plan
 * terms, vendors, departments and products. Idempotent, and it never overwrites what an
 * administrator changed: existing rows are left alone.
 */
export async function seedPresets(db: Database, logger: Logger): Promise<void> {
  for (const spec of Object.values(calendarPresets)) {
    const holidaySet = spec.key === 'always-open' ? null : OFFICIAL_HOLIDAY_SET;
    await db.calendar.upsert({
      where: { key: spec.key },
      update: {},
      create: {
        key: spec.key,
        name: spec.name,
        timeZone: spec.timeZone,
        week: asJson(spec.week),
        holidayHours: asJson(spec.holidayHours),
        holidaySet,
      },
    });
  }
  const holidays = await seedOfficialHolidays(db, logger);

  for (const vendor of VENDORS) {
    const row = await db.vendor.upsert({
      where: { key: vendor.key },
      update: {},
      create: { key: vendor.key, name: vendor.name, nameFa: vendor.nameFa },
    });
    const department =
      (await db.department.findFirst({ where: { vendorId: row.id, name: vendor.department.name } })) ??
      (await db.department.create({ data: { vendorId: row.id, ...vendor.department } }));
    for (const product of vendor.products) {
      await db.product.upsert({
        where: { key: product.key },
        update: {},
        create: {
          key: product.key,
          vendorId: row.id,
          departmentId: department.id,
          name: product.name,
          nameFa: product.nameFa,
          creditTable: product.creditTable,
        },
      });
      for (const plan of product.plans) await seedPlan(db, plan, row.id);
    }
  }
  logger.info(
    { calendars: Object.keys(calendarPresets).length, holidays: holidays.length, plans: POLICY_PRESET_KEYS.length },
    'presets seeded',
  );
}

/**
 * The official holiday set: published years get the published dates, replacing estimates that an
 * administrator never touched (an earlier seed computed them); unpublished years get the estimate.
 * Admin rows are never changed.
 */
async function seedOfficialHolidays(db: Database, logger: Logger) {
  const holidays = iranianOfficialHolidays(...HOLIDAY_YEARS);
  const dateOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const published = holidays.filter((h) => h.status === 'published');
  const publishedDates = published.map((h) => dateOf(h.date));
  for (const year of PUBLISHED_YEARS.filter((y) => y >= HOLIDAY_YEARS[0] && y <= HOLIDAY_YEARS[1])) {
    const removed = await db.holiday.deleteMany({
      where: {
        set: OFFICIAL_HOLIDAY_SET,
        source: 'computed',
        date: {
          gte: dateOf(formatIsoDate(epochDayFromJalali(year, 1, 1))),
          lt: dateOf(formatIsoDate(epochDayFromJalali(year + 1, 1, 1))),
          notIn: publishedDates,
        },
      },
    });
    if (removed.count > 0)
      logger.warn(
        { year, removed: removed.count },
        'estimated holidays replaced by the published calendar; open work sees them after its next correction',
      );
  }
  for (const h of published) {
    const data = { name: h.name, nameEn: h.nameEn, source: 'published' as const, reference: h.source };
    await db.holiday.upsert({
      where: { set_date: { set: OFFICIAL_HOLIDAY_SET, date: dateOf(h.date) } },
      create: { set: OFFICIAL_HOLIDAY_SET, date: dateOf(h.date), ...data },
      update: {},
    });
    await db.holiday.updateMany({
      where: { set: OFFICIAL_HOLIDAY_SET, date: dateOf(h.date), source: 'computed' },
      data,
    });
  }
  await db.holiday.createMany({
    data: holidays
      .filter((h) => h.status === 'estimated')
      .map((h) => ({
        set: OFFICIAL_HOLIDAY_SET,
        date: dateOf(h.date),
        name: h.name,
        nameEn: h.nameEn,
        source: 'computed' as const,
        reference: h.source,
      })),
    skipDuplicates: true,
  });
  return holidays;
}

async function seedPlan(db: Database, key: PolicyPresetKey, vendorId: string): Promise<void> {
  const ticket = ticketPolicyPresets[key];
  const documents: [PolicyKind, unknown][] = [
    ['ticket', ticket],
    ['claim', claimPolicyPresets[key]],
    ['change_request', changeRequestPolicyPresets[key]],
    ['entitlements', entitlementPresets[key]],
  ];
  for (const [kind, definition] of documents) {
    if (definition === undefined) continue;
    await db.policy.upsert({
      where: { kind_key: { kind, key } },
      update: {},
      create: { key, kind, name: ticket.name, vendorId, plan: ticket.plan, definition: asJson(definition) },
    });
  }
}
