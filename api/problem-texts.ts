/**
 * What a problem document says, in each language Pasban answers in (api/language.ts). English
 * details are written where the error is raised and name the exact case; the Persian ones say
 * the same per code, or per `reason` where the refusal has one, and name the invalid fields.
 * A new code needs both titles and a Persian detail here (test/unit/problem-texts.test.ts).
 */
import type { ErrorCode } from './errors';
import type { Language } from './language';

export const PROBLEM_TITLES: Record<ErrorCode, Record<Language, string>> = {
  bad_request: { en: 'Bad request', fa: 'درخواست نادرست' },
  validation_failed: { en: 'The request is invalid', fa: 'درخواست نامعتبر است' },
  unauthenticated: { en: 'Authentication required', fa: 'احراز هویت لازم است' },
  forbidden: { en: 'Not allowed for this role', fa: 'این کار برای نقش شما مجاز نیست' },
  not_found: { en: 'Not found', fa: 'پیدا نشد' },
  method_not_allowed: { en: 'Method not allowed', fa: 'این روش مجاز نیست' },
  conflict: { en: 'Conflict with the current state', fa: 'با وضعیت کنونی ناسازگار است' },
  payload_too_large: { en: 'Request body too large', fa: 'بدنهٔ درخواست بیش از حد بزرگ است' },
  unsupported_media_type: { en: 'Unsupported media type', fa: 'نوع محتوا پشتیبانی نمی‌شود' },
  unprocessable: { en: 'The request cannot be carried out', fa: 'این درخواست انجام‌شدنی نیست' },
  not_eligible: { en: 'Not eligible', fa: 'واجد شرایط نیست' },
  rate_limited: { en: 'Too many requests', fa: 'درخواست‌ها بیش از حد مجاز است' },
  internal: { en: 'Internal error', fa: 'خطای داخلی' },
  dependency_unavailable: { en: 'A dependency is unavailable', fa: 'یکی از سرویس‌های وابسته در دسترس نیست' },
};

export const PROBLEM_DETAILS_FA: Record<ErrorCode, string> = {
  bad_request: 'درخواست خواندنی نیست؛ قالب آن را بررسی کنید.',
  validation_failed: 'برخی از مقادیر درخواست نامعتبرند.',
  unauthenticated: 'کلید API یا نشست معتبری همراه درخواست نیست، یا باطل یا منقضی شده است.',
  forbidden: 'نقش یا دسترسی شما اجازهٔ این کار را نمی‌دهد.',
  not_found: 'مورد خواسته‌شده وجود ندارد یا برای شما قابل مشاهده نیست.',
  method_not_allowed: 'این نشانی این روش HTTP را نمی‌پذیرد؛ سرآیند Allow روش‌های مجاز را نام می‌برد.',
  conflict: 'این کار با وضعیت کنونی این مورد سازگار نیست.',
  payload_too_large: 'بدنهٔ درخواست از اندازهٔ مجاز بزرگ‌تر است.',
  unsupported_media_type: 'بدنه را به صورت JSON با UTF-8 و بدون فشرده‌سازی بفرستید.',
  unprocessable: 'درخواست درست نوشته شده، اما با قرارداد، طرح یا داده‌های موجود انجام‌شدنی نیست.',
  not_eligible: 'این درخواست شرایط لازم را بر اساس قرارداد ندارد.',
  rate_limited: 'تعداد درخواست‌ها از حد مجاز گذشته است؛ پس از زمان گفته‌شده در Retry-After دوباره تلاش کنید.',
  internal: 'خطایی پیش‌بینی‌نشده رخ داد؛ شناسهٔ درخواست (requestId) را به پشتیبانی بدهید.',
  dependency_unavailable: 'سرویسی که پاسبان به آن نیاز دارد موقتاً در دسترس نیست؛ کمی بعد دوباره تلاش کنید.',
};

/** The refusals that carry a `reason`, said more precisely than their code. */
export const REASON_DETAILS_FA: Record<string, string> = {
  idempotency_key_reused:
    'این Idempotency-Key پیش‌تر برای درخواست دیگری به کار رفته است؛ برای درخواست تازه کلید تازه بفرستید.',
  invalid_assignee:
    'مسئول باید کاربر کارکنان همین فروشنده باشد که درخواست‌ها را پیگیری می‌کند (کارشناس، مدیر یا مدیر سامانه) و غیرفعال نباشد.',
  already_claimed: 'این قرارداد پیش‌تر برای همین قطعی یا دوره ادعای خسارت ثبت کرده است.',
  already_decided: 'دربارهٔ این ادعا پیش‌تر تصمیم گرفته شده است.',
  already_closed: 'این قطعی پیش‌تر پایان یافته است.',
  already_posted: 'اطلاعیهٔ پنل برای این قطعی پیش‌تر منتشر شده است.',
  voided: 'این قطعی باطل شده است.',
  closed: 'این مورد بسته شده است و فرمان تازه‌ای نمی‌پذیرد.',
  in_use: 'این مورد هنوز در جای دیگری به کار رفته است و حذف یا تغییرش ممکن نیست.',
  taken: 'این نام یا کلید پیش‌تر گرفته شده است.',
  unknown_policy: 'طرح این قرارداد شرایط لازم برای این کار را ندارد.',
  plan_excludes_claims: 'طرح این قرارداد ادعای خسارت را پوشش نمی‌دهد.',
  channel_not_offered: 'طرح این قرارداد این کانال پشتیبانی را ارائه نمی‌کند.',
  outside_your_departments: 'مدیر تنها کارشناسان واحدهای خود را تغییر می‌دهد.',
  csrf_token_missing_or_wrong:
    'درخواستی که با نشست وارد شده و چیزی را تغییر می‌دهد باید توکن CSRF نشست را در X-CSRF-Token بفرستد.',
  sign_in_locked:
    'ورود پس از چند رمز نادرست پیاپی قفل شده است؛ بعداً دوباره تلاش کنید یا از مدیر سامانه بخواهید رمز را بازنشانی کند.',
  last_admin: 'این آخرین مدیر سامانهٔ فعال است؛ نخست مدیر دیگری بسازید.',
  holiday_not_estimated: 'این تعطیلی برآورد نیست؛ برای تغییرش آن را ویرایش کنید.',
  business_time_limit: 'شرایط طرح یا تقویم آن فراتر از محاسبه‌ای است که پاسبان انجام می‌دهد.',
  contract_not_in_force: 'این قرارداد اکنون در جریان نیست و چیزی زیر آن به کار نمی‌رود.',
  not_in_plan: 'طرح این قرارداد چنین سهمیه‌ای ندارد.',
  allowance_exhausted: 'سهمیهٔ این قرارداد برای این دوره تمام شده است.',
  unreadable_row: 'دادهٔ ذخیره‌شدهٔ این رکورد خوانا نیست؛ هنگام گزارش، شناسهٔ درخواست را ذکر کنید.',
};
