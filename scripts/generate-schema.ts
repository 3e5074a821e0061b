// npm run schema: regenerates edgewatch.schema.json from the zod schema (a test fails when it is out of date).
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "./json-schema";

writeFileSync(new URL("../edgewatch.schema.json", import.meta.url), configJsonSchema());
console.log("wrote edgewatch.schema.json");
