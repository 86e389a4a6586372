// Turn frontend/openapi/*.json (written by scripts/openapi.py) into typed path maps under src/api/gen/.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

for (const file of readdirSync("openapi").filter((f) => f.endsWith(".json"))) {
  const name = file.replace(/\.json$/, "");
  execFileSync(
    "npx",
    ["openapi-typescript", `openapi/${file}`, "-o", `src/api/gen/${name}.ts`, "--default-non-nullable", "false"],
    { stdio: "inherit" },
  );
}
