import { Hono } from "hono";
import { z } from "zod";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { ConflictError, HttpError, NotFoundError, param, parseWith, ValidationError, type AppEnv } from "@checkout/http";
import { DeadLetterError, DeadLetterNotFoundError, ReplayNotPermittedError } from "./errors.ts";
import { countDeadLetters, deleteDeadLetter, getDeadLetter, listDeadLetters, replayAll, replayDeadLetter } from "./operations.ts";

const Seq = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ListQuery = z.object({
  consumer: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/**
 * DeadLetterError → problem+json: 404 gone; 409 another service's consumer, or a parked payment step;
 * 403 a replay this service's NATS user may not publish (another service's stream: `checkout dlq`).
 */
function toHttp(error: unknown): never {
  if (error instanceof DeadLetterNotFoundError) throw new NotFoundError("dead letter", `DLQ#${error.seq}`);
  if (error instanceof ReplayNotPermittedError) throw new HttpError(403, error.code, error.message);
  if (error instanceof DeadLetterError) throw new ConflictError(error.code, error.message);
  throw error;
}

/**
 * `/admin/dlq` of one service, limited to the dead letters of its own consumers: list, show, replay
 * one or all, delete. Mounted by runService on every service. (Who may call it is the HTTP layer's
 * business: `/admin/*` is for admins.) On NATS it needs STREAM.INFO, STREAM.MSG.GET and
 * STREAM.MSG.DELETE on DLQ, and publish on the original subjects to replay; it creates no consumer.
 */
export function deadLetterRoutes({ nc, consumers }: { nc: NatsConnection; consumers: readonly string[] }): Hono<AppEnv> {
  let manager: Promise<JetStreamManager> | undefined;
  const jsm = () => (manager ??= jetstreamManager(nc, { timeout: 5_000 }).catch((error: unknown) => {
    manager = undefined;
    throw error;
  }));
  const scope = { consumers };

  return new Hono<AppEnv>()
    .get("/", async function listRoute(c) {
      const query = parseWith(ListQuery, c.req.query());
      if (query.consumer && !consumers.includes(query.consumer)) {
        throw new ValidationError([{ field: "consumer", message: `not a consumer of this service (${consumers.join(", ")})` }]);
      }
      const wanted = query.consumer ? [query.consumer] : consumers;
      const manager = await jsm();
      const lists = await Promise.all(wanted.map((consumer) => listDeadLetters(manager, { consumer, limit: query.limit, via: "get" })));
      const counts = await Promise.all(wanted.map((consumer) => countDeadLetters(manager, { consumer })));
      const entries = lists.flat().sort((a, b) => a.seq - b.seq).slice(0, query.limit);
      return c.json({ consumers: wanted, total: counts.reduce((sum, n) => sum + n, 0), entries });
    })
    // POST /replay (every dead letter) is this `/:seq` route: beside `/:seq/replay`, a static `/replay`
    // is a path hono's RegExpRouter refuses, and one such route puts the whole app of every service on
    // its TrieRouter, which searches a tree and allocates on every request (libs/http router.ts)
    .post("/:seq", async function replayAllRoute(c) {
      if (c.req.param("seq") !== "replay") return c.notFound();
      const manager = await jsm();
      return c.json(await replayAll(manager.jetstream(), manager, { ...scope, via: "get" }));
    })
    .get("/:seq", async function showRoute(c) {
      const seq = param(c, "seq", Seq);
      return c.json(await getDeadLetter(await jsm(), seq, scope).catch(toHttp));
    })
    .post("/:seq/replay", async function replayRoute(c) {
      const seq = param(c, "seq", Seq);
      const manager = await jsm();
      return c.json(await replayDeadLetter(manager.jetstream(), manager, seq, scope).catch(toHttp));
    })
    .delete("/:seq", async function deleteRoute(c) {
      const seq = param(c, "seq", Seq);
      await deleteDeadLetter(await jsm(), seq, scope).catch(toHttp);
      return c.body(null, 204);
    });
}

/** Mounts `deadLetterRoutes` at `/admin/dlq` of a service's app, as runService does for every service. */
export function mountDeadLetterRoutes(app: Hono<AppEnv>, options: { nc: NatsConnection; consumers: readonly string[] }): void {
  app.route("/admin/dlq", deadLetterRoutes(options));
}
