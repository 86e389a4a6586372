// ESLint for the SPA: the recommended JavaScript and typescript-eslint rules, the rules of hooks (and the React
// Compiler checks eslint-plugin-react-hooks ships), and eslint-config-prettier last so no rule fights the formatter.
// Type-aware rules are left out: `tsc --noEmit` (npm run typecheck / build) already checks the types.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "src/api/gen/", "openapi/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["scripts/**/*.{js,mjs}", "vite.config.ts", "eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      // `_`-prefixed names mark a value kept on purpose (a destructured field left out of a rest, a callback's slot).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  prettier,
);
