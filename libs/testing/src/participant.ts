import { afterAll, beforeAll } from "vitest";
import { connectBus, type Bus } from "./bus.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";
import { startNatsServer, type NatsServer } from "./nats-server.ts";
import { TEST_JWT_SECRET } from "./auth.ts";

export interface ParticipantEnv {
  NATS_URL: string;
  DATABASE_URL: string;
  PORT: string;
  LOG_LEVEL: string;
  /** TEST_JWT_SECRET: sign the tokens of requests to the service with tokenFor() */
  AUTH_JWT_SECRET: string;
}

export interface Participant<S> {
  nats: NatsServer;
  db: TestDatabase;
  bus: Bus;
  service: S;
  env: ParticipantEnv;
}

/**
 * One saga participant under test, in-process, on its own nats-server and a fresh database, with a bus
 * probe: registers the beforeAll/afterAll of a test file and returns the parts (filled in by beforeAll).
 */
export function useParticipant<S extends { stop(): Promise<void> }>(label: string, start: (env: ParticipantEnv) => Promise<S>): Participant<S> {
  const parts = {} as Participant<S>;
  beforeAll(async () => {
    parts.nats = await startNatsServer();
    parts.db = await createTestDatabase(label);
    parts.env = { NATS_URL: parts.nats.url, DATABASE_URL: parts.db.url, PORT: "0", LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET };
    parts.service = await start(parts.env);
    parts.bus = await connectBus(parts.nats.url);
  });
  afterAll(async () => {
    await parts.service?.stop();
    await parts.bus?.close();
    await parts.db?.drop();
    await parts.nats?.stop();
  });
  return parts;
}
