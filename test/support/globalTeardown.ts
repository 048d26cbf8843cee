// Jest global teardown: stops the MongoDB server globalSetup started, if it started one (not one given by
// MONGODB_URI, which belongs to whoever runs the tests).
import { HANDLE_KEY, type TestMongoHandle } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as Record<string, unknown>;
  const handle = registry[HANDLE_KEY] as TestMongoHandle | undefined;
  if (!handle) return;
  delete registry[HANDLE_KEY];
  await handle.stop();
}
