// Linting runs on developers' machines and in CI; it is one reason devDependencies are large.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(js.configs.recommended, ...tseslint.configs.recommended);
