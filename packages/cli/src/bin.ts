#!/usr/bin/env node
// The qat command. The same file runs on Node (npx qat), Deno (deno run -A) and Bun (bun).
import { main } from './main.ts';
import { processIo } from './platform.ts';

const code = await main(process.argv.slice(2), processIo());
// Exit now: tfjs and the wasm runtime may keep the event loop alive.
process.exit(code);
