import tseslint from "typescript-eslint";

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
          message: "Use isAppError(value) from lib/domain/types: instanceof fails for an AppError thrown in another bundle.",
        },
        {
          selector: "BinaryExpression[operator='instanceof'][right.type='MemberExpression'][right.property.name='AppError']",
          message: "Use isAppError(value) from lib/domain/types: instanceof fails for an AppError thrown in another bundle.",
        },
      ],
    },
  },
  {
    // Only lib/aws talks to the AWS SDK.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["lib/aws/**", "lib/sim/**", "scripts/**", "e2e/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@aws-sdk/*"], message: "Only lib/aws imports the AWS SDK." }] }],
    },
  },
  {
    // Components render props: no AWS, no database, no practice range.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@aws-sdk/*"], message: "Only lib/aws imports the AWS SDK." },
            { group: ["@/lib/aws/*", "@/lib/store/*", "@/lib/sim/*", "@/lib/engine/*"], message: "components/ never import server code." },
          ],
        },
      ],
    },
  },
  {
    // The app reaches the practice range only through the SDK endpoint, never by importing it.
    files: ["app/**/*.{ts,tsx}", "lib/actions/**", "lib/engine/**", "lib/patterns/**", "lib/metrics/**", "lib/store/**", "lib/auth/**", "lib/config/**", "lib/domain/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@aws-sdk/*"], message: "Only lib/aws imports the AWS SDK." },
            { group: ["@/lib/sim/*", "../sim/*", "../../lib/sim/*"], message: "The app never imports lib/sim." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/aws/**"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/lib/sim/*", "../sim/*"], message: "The app never imports lib/sim." }] }],
    },
  },
);
