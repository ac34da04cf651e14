// Light, dark or auto (follows the system). The stylesheet does the colours with light-dark(), so
// "auto" needs no script at all: this only records the choice and sets `data-theme`.
import { useEffect, useState } from 'preact/hooks';

const KEY = 'borgui.theme';
export const THEMES = ['auto', 'light', 'dark'];

export function storedTheme() {
  const value = localStorage.getItem(KEY);
  return THEMES.includes(value) ? value : 'auto';
}

export function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
}

export function setTheme(theme) {
  if (!THEMES.includes(theme)) return;
  localStorage.setItem(KEY, theme);
  applyTheme(theme);
  dispatchEvent(new CustomEvent('borgui-theme', { detail: theme }));
}

/** The chosen theme; re-renders the caller when it changes. */
export function useTheme() {
  const [theme, setCurrent] = useState(storedTheme);
  useEffect(() => {
    const listener = (event) => setCurrent(event.detail);
    addEventListener('borgui-theme', listener);
    return () => removeEventListener('borgui-theme', listener);
  }, []);
  return theme;
}
