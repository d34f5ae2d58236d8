// Mends known defects of installed npm packages in place, after every `npm ci` / `npm install` (the root
// package's `postinstall`). Plain Node, no dependencies: it also runs where dev dependencies are left out.
//
// Each patch names the exact version it was written for and the text it replaces. A patch whose package
// has another version, or whose text is not found, stops the install with a message: someone has to read
// the new version and decide whether the patch is still needed (and then update or drop it here).
// A file that already carries the patch is left alone, so running this twice changes nothing.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// A file carrying MARK is left alone. The revision changes whenever a patch of an already patched file
// changes: a file patched by an earlier revision (kept by `npm install`, which does not unpack the
// package again) then stops the install with a message instead of keeping the old patch unnoticed.
const MARK_PREFIX = "/* checkout: patched by scripts/patch-dependencies.mjs";
const MARK = `${MARK_PREFIX}, revision 4 */`;

const PATCHES = [
  {
    // porsager/postgres#1154 and #1208 (open; PRs #1168 and #1209 unmerged; 3.4.10 does not change it, and
    // 4.x is a rewrite this project has not moved to).
    // A small write is flushed from a setImmediate. When the connection closes first, `socket` is null by
    // then, and `socket.write` throws from the immediate: an uncaught TypeError that kills the process.
    // A statement sent on a reserved connection whose server process is gone (a PostgreSQL restart) does
    // exactly that, and so does the ROLLBACK that postgres.js's own `begin` sends after such a failure.
    // Patched: the write fails the statements sent on the connection with CONNECTION_CLOSED instead (not a
    // query of another caller that waits for the pool to reopen the connection).
    // Also: closing cancelled the pending flush but left its timer and bytes behind, so a reconnected
    // connection would never flush again and would send the dead session's bytes first (LanternOps/breeze#3225).
    // The dead session's last error (the FATAL "terminating connection" of a restart) was kept, and
    // failed the first statement of the next session; it is dropped with the rest. And a close after a
    // socket error failed nothing: a statement sent between the error and the close (a ROLLBACK after the
    // error) was left pending for ever (porsager/postgres#1186). Now the close fails whatever still waits.
    // And, for the #1195 patch of src/index.js below, which reconnects on behalf of a waiting reserve()
    // more often: once a connection is up (its startup answered), the pool's count of failed attempts,
    // which sets how long the next attempt waits, starts again from 0; before, a connection opened for a
    // reserve never reset it. A connection opened for a reserve goes to the pool (which hands it to the
    // reserve) also with `fetch_types: false`, where it stayed in "connecting" for ever (#751; this
    // project fetches types). And a connection that closes while it fetches the array types no longer
    // leaves that query's rejection unhandled, which ended the process (#1192).
    name: "postgres",
    version: "3.4.9",
    file: "src/connection.js",
    replacements: [
      [
        "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
        `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      const err = Errors.connection('CONNECTION_CLOSED', options)\n      query && queryError(query, err)\n      while (sent.length)\n        queryError(sent.shift(), err)\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
      ],
      ["    clearImmediate(nextWriteTimer)\n    if (socket) {", "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {"],
      ["    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)", "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = errorResponse = null\n    socket.removeListener('data', data)"],
      [
        "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))",
        "    if (query || sent.length)\n      error(Errors.connection('CONNECTION_CLOSED', options, socket))",
      ],
      [
        "      if (needsTypes) {\n        initial.reserve && (initial = null)\n        return fetchArrayTypes()\n      }\n\n      initial && !initial.reserve && execute(initial)\n      options.shared.retries = retries = 0\n      initial = null\n      return\n",
        "      options.shared.retries = retries = 0\n      if (needsTypes) {\n        initial.reserve && (initial = null)\n        return fetchArrayTypes().catch(noop)\n      }\n\n      if (initial.reserve) {\n        initial = null\n        return ending ? terminate() : onopen(connection)\n      }\n      execute(initial)\n      initial = null\n      return\n",
      ],
    ],
  },
  {
    // porsager/postgres#1186 (open). A reservation (`sql.reserve()`) outlived its connection: when the
    // connection closed, the statements waiting in the reservation's own queue (behind one in flight) were
    // never settled, and the caller waited for ever. The pool meanwhile takes the closed connection back and
    // may reconnect it for another caller; the old reservation's later statements then ran on that new
    // session, outside the transaction they belonged to, and its `release()` moved the connection into the
    // idle list with no socket, where every later query failed. Patched: a reservation ends when its
    // connection closes. Its waiting statements fail with CONNECTION_CLOSED, so do statements sent on it
    // afterwards, and its release() does nothing.
    // The same for a transaction of `sql.begin`: its ROLLBACK after the failure, and any statement after
    // it, fail instead of reaching the closed connection (a parameterized one would also have moved the
    // connection out of the pool's closed list, and the pool would have lost it for good), and the
    // statements waiting in its queue fail when the connection closes. One change for code that ends the
    // transaction itself (a COMMIT statement inside sql.begin): its later statements now fail too, where
    // they ran outside the transaction before. This project never does that.
    // Also (not reported upstream as far as we know): a reservation or transaction whose connection was
    // "full" (100 statements in flight, postgres.js's max_pipeline, or one statement being described)
    // queued the next statements, and then sent them one at a time, each only once everything before it
    // was answered: one round trip per statement for the rest of the transaction. A consumer's batch of
    // 100 messages sends more than 100 statements at once, so its later statements went one round trip
    // each (about 1.5 s per batch with PostgreSQL 1 ms away; docs/benchmarks.md, eighth session).
    // Patched: once the pipeline has drained, the queued statements are sent together, as many as the
    // pipeline takes (until one must be described first, or 100 are in flight again).
    // Left as it is upstream, and now reachable for queued statements too: a statement whose building
    // throws (a BigInt in a JSON parameter, 65,534 parameters) while others are in flight fails one of
    // those instead, and the answers after it go to the wrong statements. Before, a queued statement went
    // out alone, so only one sent directly could do that. This project sends no such statements; a
    // COPY, which it does not use either, would also be broken by statements queued behind it.
    // Also (not reported upstream as far as we know): a reserve() waiting in the pool's queue is handed to
    // a connection as the reason to connect, and stays in the queue. When that attempt failed (refused,
    // reset, or FATAL 57P03 while PostgreSQL recovered from a crash), the reserve was rejected but left
    // in the queue, and the next connection to come up was handed to it: to no one, so that connection
    // was lost to the pool until its lifetime ended (30 to 60 min). After a crash, enough such attempts
    // lost every connection of a pool: plain queries then waited for ever, reserves until libs/db's time
    // limit (most likely what stopped a payment worker in a CI chaos run, seed 28629). Patched: a rejected
    // reserve leaves the queue (libs/db/src/driver.int.test.ts).
    // porsager/postgres#1195 (open): when a connection closes with callers waiting for the pool, it
    // reconnects for the first of them, taken off the queue. A reserve() taken that way was dropped by the
    // reopened connection (a reserve is not a statement to send), and waited for ever, or until libs/db
    // gave up on it after 30 s: at a PostgreSQL crash or restart, and at a connection's lifetime end under
    // load, each connection that closed with a reserve first in line stranded that reserve. Patched: the
    // connection reconnects on behalf of a waiting reserve() but leaves it first in the queue, the same as
    // reserve() does when it opens a connection itself. The reopened connection goes to it when it is
    // ready (or to whoever is first by then); a failed attempt rejects it and it leaves the queue, as
    // above. So every connection that closes while a reserve waits first in line reconnects for it,
    // where 3.4.9 took one waiter off the queue per connection, and a failed round of attempts rejects
    // that one reserve rather than one waiter per attempt. Once `sql.end()` has been
    // called, a reserve first in line is taken off the queue and reconnected for as upstream does (that
    // reconnect is what ends a connection end() waits for), and rejected with CONNECTION_ENDED rather
    // than left waiting for ever; reconnecting for it while it stays in the queue would open sockets
    // after end() resolved. An earlier try handed the reserve the closed connection in `onclose`
    // itself; a review found that it broke `sql.end()` and the connection errors of other callers.
    name: "postgres",
    version: "3.4.9",
    file: "src/index.js",
    replacements: [
      [
        "    queries.length && connect(c, queries.shift())\n  }\n}\n",
        "    if (ending && queries.length && queries.peek().reserve) {\n      const reserve = queries.shift()\n      reserve.reject(Errors.connection('CONNECTION_ENDED', options, options))\n      return connect(c, reserve)\n    }\n    queries.length && connect(c, queries.peek().reserve ? queries.peek() : queries.shift())\n  }\n}\n",
      ],
      [
        "        const query = { reserve: resolve, reject }\n",
        "        const query = { reserve: resolve, reject: e => (queries.remove(query), reject(e)) }\n",
      ],
      [
        "    c.reserved = () => queue.length\n      ? c.execute(queue.shift())\n      : move(c, reserved)\n    c.reserved.release = true\n",
        "    c.reserved = () => {\n      while (queue.length) {\n        const q = queue.shift()\n        if (!c.execute(q) && !q.cancelled)\n          return\n      }\n      move(c, reserved)\n    }\n    c.reserved.release = true\n",
      ],
      [
        "    c.reserved.release = true\n\n    const sql = Sql(handler)\n    sql.release = () => {\n      c.reserved = null\n      onopen(c)\n    }",
        `    c.reserved.release = true\n    ${MARK}\n    const reservation = c.reserved\n    c.onclose = e => { while (queue.length) queue.shift().reject(e) }\n\n    const sql = Sql(handler)\n    sql.release = () => {\n      if (c.reserved !== reservation)\n        return\n      c.reserved = null\n      c.onclose = null\n      onopen(c)\n    }`,
      ],
      [
        "        new Promise((_, reject) => connection.onclose = reject)\n",
        "        new Promise((_, reject) => connection.onclose = e => {\n          while (queries.length)\n            queries.shift().reject(e)\n          reject(e)\n        })\n",
      ],
      [
        "    let savepoints = 0\n      , connection\n      , prepare = null\n",
        "    let savepoints = 0\n      , connection\n      , prepare = null\n      , reservation = null\n",
      ],
      [
        "        c.queue === full\n          ? queries.push(q)\n          : c.execute(q) || move(c, full)\n",
        "        if (c.reserved !== reservation)\n          return q.reject(Errors.generic('CONNECTION_CLOSED', 'the transaction has ended: its connection closed, or it was committed or rolled back'))\n        c.queue === full\n          ? queries.push(q)\n          : c.execute(q) || move(c, full)\n",
      ],
      [
        "      c.reserved = () => queries.length\n        ? c.execute(queries.shift())\n        : move(c, reserved)\n    }\n  }\n",
        "      c.reserved = () => {\n        while (queries.length) {\n          const q = queries.shift()\n          if (!c.execute(q) && !q.cancelled)\n            return\n        }\n        move(c, reserved)\n      }\n      reservation = c.reserved\n    }\n  }\n",
      ],
      [
        "    function handler(q) {\n      c.queue === full\n        ? queue.push(q)\n        : c.execute(q) || move(c, full)\n    }\n  }\n\n  async function begin(",
        "    function handler(q) {\n      if (c.reserved !== reservation)\n        return q.reject(Errors.connection('CONNECTION_CLOSED', options))\n      c.queue === full\n        ? queue.push(q)\n        : c.execute(q) || move(c, full)\n    }\n  }\n\n  async function begin(",
      ],
    ],
  },
  {
    // The queue's first entry, left in place: what the #1195 patch of src/index.js above needs.
    name: "postgres",
    version: "3.4.9",
    file: "src/queue.js",
    replacements: [["    push: (x) => (xs.push(x), x),\n", `    push: (x) => (xs.push(x), x),\n    ${MARK}\n    peek: () => xs[index],\n`]],
  },
  {
    // nats.js: every request answered (KV create, update and get, JetStream API calls) then "cancels"
    // itself, and cancel() builds a RequestError("cancelled"), stack trace included, to reject a promise
    // that is already resolved, where nothing can see it. In a profiled flash sale that was 4.4 % of the
    // orders process's samples (two KV requests per checkout; docs/benchmarks.md, ninth session). Patched:
    // an answered request only leaves the subscription mux (the timer is already cancelled above). A
    // request cancelled from outside (a timeout, a closed connection) still rejects with its error.
    name: "@nats-io/nats-core",
    version: "3.4.0",
    file: "lib/request.js",
    replacements: [
      [
        "        else {\n            this.deferred.resolve(msg);\n        }\n        this.cancel();\n    }\n    cancel(err) {",
        `        else {\n            this.deferred.resolve(msg);\n        }\n        ${MARK}\n        this.mux.cancel(this);\n    }\n    cancel(err) {`,
      ],
    ],
  },
];

/** Applies one patch; returns what went wrong, or nothing. */
function apply(patch) {
  const packageDir = join(root, "node_modules", patch.name);
  if (!existsSync(join(packageDir, "package.json"))) return; // not installed (a partial install): nothing to mend
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const file = join(packageDir, patch.file);
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) return;
  if (text.includes(MARK_PREFIX)) return `${patch.name}@${version} ${patch.file} carries an earlier revision of its patch: run \`npm ci\` (or delete node_modules/${patch.name} and install again).`;
  if (version !== patch.version) {
    return `${patch.name} is ${version}, the patch was written for ${patch.version}. Check whether the new version still needs it, then update or remove it in scripts/patch-dependencies.mjs.`;
  }
  for (const [from, to] of patch.replacements) {
    if (text.split(from).length !== 2) return `${patch.name}@${version} ${patch.file}: expected exactly one occurrence of ${JSON.stringify(from)}`;
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  console.log(`patch-dependencies: patched ${patch.name}@${version} ${patch.file}`);
}

const problems = PATCHES.map(apply).filter(Boolean);
for (const problem of problems) console.error(`patch-dependencies: ${problem}`);
if (problems.length > 0) process.exit(1);
