#!/usr/bin/env node
// The `tapegrad` command: a committed shim so `pnpm install` can link the bin before any build.
// The program itself is compiled from packages/cli/src/main.ts into dist/.
import '../dist/main.js';
