import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { fa, type Messages } from './fa';

export type Language = 'fa' | 'en';
const STORAGE_KEY = 'pasban.language';
export const TEHRAN = 'Asia/Tehran';

export interface Locale {
  language: Language;
  t: Messages;
  setLanguage(language: Language): void;
  /** A date and time as people read it: Jalali in Persian, Gregorian in English, always Tehran time. */
  dateTime(instant: string | number | Date): string;
  date(instant: string | number | Date): string;
  /** A number in the language's digits; rials arrive as strings of digits (any size). */
  number(value: number | string, digits?: number): string;
}

const LocaleContext = createContext<Locale | null>(null);

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'fa' ? stored : 'fa';
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = language === 'fa' ? 'rtl' : 'ltr';
    localStorage.setItem(STORAGE_KEY, language);
  }, [language]);
  const value = useMemo<Locale>(() => {
    // fa-IR with the Persian (Jalali) calendar; English keeps the Gregorian one. Both in Tehran's zone.
    const tag = language === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
    const dateTimeFormat = new Intl.DateTimeFormat(tag, { timeZone: TEHRAN, dateStyle: 'medium', timeStyle: 'short' });
    const dateFormat = new Intl.DateTimeFormat(tag, { timeZone: TEHRAN, dateStyle: 'medium' });
    return {
      language,
      t: language === 'fa' ? fa : en,
      setLanguage,
      dateTime: (instant) => dateTimeFormat.format(new Date(instant)),
      date: (instant) => dateFormat.format(new Date(instant)),
      number: (value, digits = 0) =>
        new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-GB', { maximumFractionDigits: digits }).format(
          typeof value === 'string' ? BigInt(value) : value,
        ),
    };
  }, [language]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  const locale = useContext(LocaleContext);
  if (!locale) throw new Error('useLocale outside LocaleProvider');
  return locale;
}
