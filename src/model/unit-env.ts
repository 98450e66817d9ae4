// Environment variables archsim sets in every unit it runs or generates, which the wiring depends
// on: a unit's `env:` may not set them (semantics.ts refuses it at the key).

/** Name → what archsim puts there. */
export const WIRED_UNIT_ENV: Readonly<Record<string, string>> = {
  PORT: 'the port the unit listens on (its `port:`)',
  SERVICE_NAME: 'the unit’s name',
  SERVICE_TOKEN: 'the token units send each other on internal calls (from .env or a Secret)',
};
