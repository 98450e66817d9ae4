// Seed 001's three failure scenarios, bundled in scenarios/: the default fault-isolation runs
// of `compare` and `report`. A module of its own with no imports, because the command files
// that name it load when `archsim --help` does.
export const SEED_SCENARIOS = ['database-failure', 'media-memory-leak', 'messaging-spike'];
