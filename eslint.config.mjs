import tseslint from "typescript-eslint";
import layers from "./eslint/layers.mjs";

// Lint rules that carry the house rules of ARCHITECTURE.md: no `any`, and the layer boundaries.
export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "data/", "test-results/", "playwright-report/", "next-env.d.ts", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/ban-ts-comment": "error",
    },
  },
  {
    // Teal's errors cross bundles (the runtime started from instrumentation.ts and the server
    // actions each bundle their own AppError class): recognise them by their brand.
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "BinaryExpression[operator='instanceof'][right.type='Identifier'][right.name='AppError']",
          message: "Use isAppError(value) from lib/domain/app-error: instanceof fails for an AppError thrown in another bundle.",
        },
        {
          selector: "BinaryExpression[operator='instanceof'][right.type='MemberExpression'][right.property.name='AppError']",
          message: "Use isAppError(value) from lib/domain/app-error: instanceof fails for an AppError thrown in another bundle.",
        },
      ],
    },
  },
  {
    // The layers (eslint/layers.mjs): every import resolved to the folder it reaches, so a relative
    // path or an index file is held to the same rule as an "@/" import.
    files: ["**/*.ts", "**/*.tsx"],
    plugins: { teal: layers },
    rules: { "teal/layers": "error" },
  },
);
