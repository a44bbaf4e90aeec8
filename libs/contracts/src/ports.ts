/** Default HTTP ports of the five apps (DESIGN.md §4); each overridable by PORT. */
export const DEFAULT_PORTS = {
  ingest: 3001,
  enrichment: 3002,
  'access-control': 3003,
  metering: 3004,
  delivery: 3005,
} as const;
export type AppName = keyof typeof DEFAULT_PORTS;
export const APP_NAMES = Object.keys(DEFAULT_PORTS) as AppName[];
