#!/usr/bin/env bash
# The whole test suite: unit tests in Node (Vitest), then the browser tests (Playwright, real
# headless Chromium against the built demo). Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .cache
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json
unit=$?
e2e=1
if pnpm exec vite build --logLevel warn; then
  PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/.cache/e2e.json" pnpm exec playwright test -c e2e/playwright.config.ts --reporter=list,json
  e2e=$?
fi
node scripts/test/test-summary.mjs .cache/vitest.json .cache/e2e.json
[ $unit -eq 0 ] && [ $e2e -eq 0 ]
