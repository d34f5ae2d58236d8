#!/usr/bin/env node
// `checkout` runs the TypeScript sources as they are: tsx compiles them on import. The path is
// resolved from this file's real location, so it works through node_modules/.bin symlinks too.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
