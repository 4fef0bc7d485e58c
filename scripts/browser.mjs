// Launches the system's headless Chromium through playwright-core, for the browser tests and the benchmark.
// Never a downloaded browser: CHROME_PATH, else a known install location (see lib.mjs).

import { chromium } from "playwright-core";
import { CHROME_ARGS, chromePath } from "./lib.mjs";

/**
 * Launches headless Chromium. playwright-core gives every launch a fresh temporary profile (user-data dir) and
 * deletes it on close.
 */
export async function launchBrowser() {
  const executablePath = chromePath();
  if (!executablePath) {
    throw new Error("no Chromium found: install it (Debian: apt-get install chromium) or set CHROME_PATH");
  }
  return chromium.launch({ executablePath, headless: true, args: CHROME_ARGS });
}
