// Helpers shared by the Node scripts. This module uses only Node built-ins, because setup.mjs imports it
// before the npm dependencies are installed.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the parent of scripts/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The static site written by build.mjs. */
export const DIST = join(ROOT, "dist");
/** The crate's name, which is also the base name of the wasm file and of wasm-bindgen's JS glue. */
export const CRATE = "dynamics";
/** The wasm file that cargo writes for a release build of the library. */
export const CARGO_WASM = join(ROOT, "target", "wasm32-unknown-unknown", "release", `${CRATE}.wasm`);

/** Prints a step heading, so that the output of the scripts reads as a log of what they did. */
export function say(message) {
  console.log(process.stdout.isTTY ? `\x1b[1m> ${message}\x1b[0m` : `> ${message}`);
}

/** The directory where `cargo install` puts binaries. */
export function cargoBin() {
  return join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "bin");
}

/**
 * Finds an executable on PATH (and in cargo's bin directory, which a fresh rustup install may not have put on
 * PATH yet). Returns its full path or null.
 */
export function which(name) {
  const dirs = (process.env.PATH || "").split(delimiter).filter(Boolean);
  dirs.push(cargoBin());
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return null;
}

/** The environment for child processes: cargo's bin directory is appended to PATH. */
export function childEnv(extra = {}) {
  const path = [process.env.PATH || "", cargoBin()].filter(Boolean).join(delimiter);
  return { ...process.env, PATH: path, ...extra };
}

/** Runs a command with inherited output and throws when it fails. */
export function run(cmd, args, options = {}) {
  console.log(`$ ${[cmd, ...args].join(" ")}`);
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT, env: childEnv(options.env), ...options.spawn });
  if (result.error) throw new Error(`could not start ${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with status ${result.status ?? result.signal}`);
  }
}

/** Runs a command quietly and returns its trimmed stdout, or null when it cannot be run or fails. */
export function capture(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: ROOT, env: childEnv(), encoding: "utf8" });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}

/**
 * Runs a command, streaming its output to this process' stdout and stderr while also collecting it.
 * Resolves to `{ code, output }`; never rejects (a command that cannot start reports code 127).
 */
export function runTee(cmd, args, options = {}) {
  console.log(`$ ${[cmd, ...args].join(" ")}`);
  return new Promise((done) => {
    let output = "";
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", (err) => {
      output += String(err);
      console.error(`could not start ${cmd}: ${err.message}`);
      done({ code: 127, output });
    });
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** The version of a package recorded in Cargo.lock, or null. */
export function cargoLockVersion(name) {
  const lockPath = join(ROOT, "Cargo.lock");
  if (!existsSync(lockPath)) return null;
  const lock = readFileSync(lockPath, "utf8");
  for (const block of lock.split(/\n\[\[package\]\]\n/)) {
    const pkgName = /^name = "([^"]+)"$/m.exec(block);
    const version = /^version = "([^"]+)"$/m.exec(block);
    if (pkgName && version && pkgName[1] === name) return version[1];
  }
  return null;
}

/** Where a Chromium binary may be found, first match wins; CHROME_PATH overrides them all. */
const CHROME_CANDIDATES = [
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/** The Chromium (or Chrome) binary to drive: CHROME_PATH, else a known install location, else null. */
export function chromePath() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  return CHROME_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** The ChromeDriver binary: CHROMEDRIVER, else `chromedriver` on PATH, else null. */
export function chromedriverPath() {
  if (process.env.CHROMEDRIVER) return process.env.CHROMEDRIVER;
  return which("chromedriver");
}

/** Command-line switches for headless Chromium in tests and benchmarks (root, no GPU, no network chatter). */
export const CHROME_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
