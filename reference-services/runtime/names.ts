// Blueprint operation names are kebab-case ("verify-token"); client methods are camelCase.
export const camel = (op: string) => op.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
export const kebab = (m: string) => m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** A datastore name as a PostgreSQL database name / env var suffix. */
export const dbName = (store: string) => `archsim_${store.replace(/[^a-zA-Z0-9]/g, '_').toLowerCase()}`;
export const envKey = (store: string) => `DATABASE_URL_${store.replace(/[^a-zA-Z0-9]/g, '_').toUpperCase()}`;
