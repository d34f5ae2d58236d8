import { defineConfig } from "vitest/config";

// Three tiers, chosen by file name: *.unit.test.ts (no I/O), *.int.test.ts (real NATS, PostgreSQL,
// Redis), *.e2e.test.ts (running services over HTTP and NATS). Each int/e2e test file starts its own
// nats-server and creates its own databases (libs/testing), so files can run side by side.
const exclude = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["**/*.unit.test.ts"], exclude, sequence: { groupOrder: 0 } } },
      {
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          sequence: { groupOrder: 1 },
          exclude,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["**/*.e2e.test.ts"],
          sequence: { groupOrder: 2 },
          exclude,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "chaos",
          include: ["**/*.chaos.test.ts"],
          exclude,
          sequence: { groupOrder: 3 },
          testTimeout: 900_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 1,
        },
      },
    ],
  },
});
