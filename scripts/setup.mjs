// Installs what the build needs and is missing: the wasm32 Rust target, the wasm-bindgen CLI at exactly the
// version of the wasm-bindgen crate in Cargo.lock, and the npm packages. Every step says what it found and what
// it does. This script uses only Node built-ins, because it runs before the npm packages exist.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, capture, cargoLockVersion, run, say, which } from "./lib.mjs";

const TARGET = "wasm32-unknown-unknown";

/** Checks that a tool exists and stops with a clear message when it does not. */
function requireTool(name, hint) {
  if (!which(name)) {
    throw new Error(`${name} was not found on PATH. ${hint}`);
  }
}

/** Adds the wasm32 target through rustup unless it is already installed. */
function ensureWasmTarget() {
  const installed = capture("rustup", ["target", "list", "--installed"]);
  if (installed !== null && installed.split("\n").includes(TARGET)) {
    say(`rust target ${TARGET}: installed`);
    return;
  }
  say(`rust target ${TARGET}: adding it`);
  run("rustup", ["target", "add", TARGET]);
}

/** The version of the wasm-bindgen crate that the build links, from Cargo.lock (created when missing). */
function lockedWasmBindgenVersion() {
  if (!existsSync(join(ROOT, "Cargo.lock"))) {
    say("Cargo.lock is missing: generating it");
    run("cargo", ["generate-lockfile"]);
  }
  const version = cargoLockVersion("wasm-bindgen");
  if (!version) throw new Error("Cargo.lock lists no wasm-bindgen package");
  return version;
}

/**
 * Installs the wasm-bindgen CLI (wasm-bindgen and wasm-bindgen-test-runner) at the locked version unless the
 * installed one already matches. `--locked` is tried first and dropped when it fails, because a registry mirror
 * may lag behind one of the CLI's locked dependencies.
 */
function ensureWasmBindgenCli() {
  const want = lockedWasmBindgenVersion();
  const bin = which("wasm-bindgen");
  const have = bin ? (capture(bin, ["--version"]) || "").split(/\s+/)[1] : null;
  if (have === want && which("wasm-bindgen-test-runner")) {
    say(`wasm-bindgen CLI ${have}: matches Cargo.lock`);
    return;
  }
  say(`wasm-bindgen CLI: found ${have ?? "none"}, Cargo.lock wants ${want}: installing (about 2 minutes)`);
  const args = ["install", "wasm-bindgen-cli", "--version", want, "--force"];
  try {
    run("cargo", [...args, "--locked"]);
  } catch (err) {
    say(`cargo install --locked failed (${err.message}); retrying without --locked`);
    run("cargo", args);
  }
}

/** Whether every package recorded in package-lock.json is installed at its locked version. */
function npmPackagesCurrent() {
  const lockPath = join(ROOT, "package-lock.json");
  if (!existsSync(lockPath) || !existsSync(join(ROOT, "node_modules"))) return false;
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  for (const [path, entry] of Object.entries(lock.packages || {})) {
    if (!path.startsWith("node_modules/") || entry.optional) continue;
    const manifest = join(ROOT, path, "package.json");
    if (!existsSync(manifest)) return false;
    if (JSON.parse(readFileSync(manifest, "utf8")).version !== entry.version) return false;
  }
  return true;
}

/** Installs the npm packages from the lock file when node_modules is missing or does not match it. */
function ensureNpmPackages() {
  if (npmPackagesCurrent()) {
    say("npm packages: up to date with package-lock.json");
    return;
  }
  const hasLock = existsSync(join(ROOT, "package-lock.json"));
  say(`npm packages: missing or stale, running npm ${hasLock ? "ci" : "install"}`);
  run("npm", [hasLock ? "ci" : "install", "--no-audit", "--no-fund"]);
}

/** Runs every setup step; throws on the first failure. */
export function setup() {
  requireTool("cargo", "Install Rust with rustup first.");
  requireTool("rustup", "Install Rust with rustup first (the wasm32 target is added through rustup).");
  requireTool("npm", "Install Node.js 20 or newer, which includes npm.");
  ensureWasmTarget();
  ensureWasmBindgenCli();
  ensureNpmPackages();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    setup();
  } catch (err) {
    console.error(`setup failed: ${err.message}`);
    process.exit(1);
  }
}
