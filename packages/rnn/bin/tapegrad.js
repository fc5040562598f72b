#!/usr/bin/env node
// The `tapegrad` command: a committed shim so `pnpm install` can link the bin before any build.
// The program itself is compiled from packages/rnn/src/cli/main.ts into dist/.
import '../dist/cli/main.js';
