import type { Config } from "tailwindcss";

// Theme for Teal. Blue and green are never told apart by colour alone: components also use labels and shapes.
const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "class",
  theme: {
    extend: {
      colors: {
        blueenv: { DEFAULT: "#2563eb", soft: "#dbeafe", dark: "#1e3a8a" },
        greenenv: { DEFAULT: "#059669", soft: "#d1fae5", dark: "#064e3b" },
        teal: { DEFAULT: "#0d9488", dark: "#115e59" },
      },
    },
  },
};
export default config;
