import type { Hono } from "hono";

/**
 * Has hono pick the app's router now (it does so on the first request) and returns its name. hono's
 * default router tries its RegExpRouter, which matches a path with one prebuilt expression, and
 * silently falls back to its TrieRouter, which searches a tree and allocates on every request, when one
 * route is a path the RegExpRouter refuses (a static segment beside a parameter with more segments
 * after it, as `/replay` beside `/:seq/replay` was: docs/benchmarks.md, fifteenth session). Call it once
 * every route is added: none can be added after.
 */
export function settleRouter(app: Hono<any>): string {
  app.router.match("GET", "/");
  return app.router.name;
}

/** whether `settleRouter` found the RegExpRouter */
export const usesRegExpRouter = (name: string) => name.endsWith("RegExpRouter");
