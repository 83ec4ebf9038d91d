/**
 * Light and dark themes: the system preference by default, or the user's choice remembered in
 * localStorage. The choice is written to `<html data-theme>`, where the CSS variables of index.html react.
 */

/** What the user chose. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'hlmon.theme';

/** Reads the remembered choice. */
export function loadThemeChoice(storage: Storage | undefined = globalThis.localStorage): ThemeChoice {
  const v = storage?.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

/** Applies and remembers a choice; tells charts, which draw their own colours, through a window event. */
export function applyTheme(choice: ThemeChoice, storage: Storage | undefined = globalThis.localStorage): void {
  if (choice === 'system') {
    delete document.documentElement.dataset.theme;
    storage?.removeItem(KEY);
  } else {
    document.documentElement.dataset.theme = choice;
    storage?.setItem(KEY, choice);
  }
  window.dispatchEvent(new CustomEvent('hl-theme-change'));
}

/** The theme in effect now. */
export function effectiveTheme(): 'light' | 'dark' {
  const t = document.documentElement.dataset.theme;
  if (t === 'light' || t === 'dark') return t;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
