import * as z from "zod";
import { Config } from "../src/config/schema";

/** The JSON Schema editors use to complete and check edgewatch.config.json; generated, never edited by hand. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(Config, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "Edgewatch configuration" }, null, 2)}\n`;
}
