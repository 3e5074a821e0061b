// Node-side type checking (scripts, vitest config) reaches the config schema, which reaches the probes' types;
// those name `cloudflare:sockets`, a module only the Workers runtime has. Node code never calls it.
declare module "cloudflare:sockets" {
  export function connect(address: string | { hostname: string; port: number }, options?: Record<string, unknown>): unknown;
}
