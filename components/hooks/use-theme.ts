"use client";

import { useSyncExternalStore } from "react";
import { currentTheme, type Theme } from "@/components/shell/theme";

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

/** The theme in effect, following the `dark` class on <html> (set by the boot script and the toggle). */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme, () => "light");
}
