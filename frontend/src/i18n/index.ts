/** i18next set-up: zh-CN by default, en as the second language; the choice is remembered in localStorage. */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en";
import zhCN from "./zh-CN";

export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = "halfsky.lang";

export function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(KEY);
  return saved === "en" ? "en" : "zh-CN";
}

export function setLanguage(lang: Language): void {
  globalThis.localStorage?.setItem(KEY, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: "zh-CN",
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
