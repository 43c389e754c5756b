"use client";

import { useEffect, useState } from "react";

/** The window's inner size, updated on resize; a 1920×1080 guess before the first measurement. */
export function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState({ width: 1920, height: 1080 });
  useEffect(() => {
    const measure = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);
  return size;
}
