// Runs every check and test of the project, in order, without stopping at the first failure:
//   setup, formatting, clippy (native and wasm32), native tests, wasm tests in headless Chromium, the unit tests
//   of the web shell's pure modules, the build, and the browser tests of the built page.
// It installs Chromium and ChromeDriver through apt-get when they are missing on Debian as root; elsewhere it
// says what to install. At the end it prints a table and one line `N passed, N failed`, counting each check
// as one and each test of a test suite as one, and exits non-zero when anything failed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setup } from "./setup.mjs";
import { build } from "./build.mjs";
import { ROOT, chromedriverPath, chromePath, runTee, say, which } from "./lib.mjs";

const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const results = [];

/** Records the outcome of one step: `passed` and `failed` count tests (or 1 for a check). */
function record(name, passed, failed, note = "") {
  results.push({ name, passed, failed, note });
  say(`${name}: ${failed === 0 ? "ok" : "FAILED"}${note ? ` (${note})` : ""}`);
}

/** Runs a synchronous step that throws on failure, as one check. */
function check(name, fn) {
  say(name);
  try {
    fn();
    record(name, 1, 0);
  } catch (err) {
    console.error(err.message);
    record(name, 0, 1, err.message);
  }
}

/** Runs a command as one check: it passes when the command exits with status 0. */
async function command(name, cmd, args, env) {
  say(name);
  const { code } = await runTee(cmd, args, { env });
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1, code === 0 ? "" : `exit status ${code}`);
  return code === 0;
}

/** Sums libtest's `test result: ... N passed; M failed` lines (cargo test and wasm-bindgen-test-runner). */
function libtestCounts(output) {
  let passed = 0;
  let failed = 0;
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed };
}

/** Reads the totals of Node's spec reporter (`ℹ pass N`, `ℹ fail N`). */
function nodeTestCounts(output) {
  const count = (label) => Number((output.match(new RegExp(`^ℹ ${label} (\\d+)$`, "m")) || [0, 0])[1]);
  return { passed: count("pass"), failed: count("fail") + count("cancelled") };
}

/** Runs a test suite and counts its tests; a failing exit with no failed test counts as one failure. */
async function suite(name, cmd, args, counter, env) {
  say(name);
  const { code, output } = await runTee(cmd, args, { env });
  let { passed, failed } = counter(output);
  let note = `${passed} passed, ${failed} failed`;
  if (code !== 0 && failed === 0) {
    failed = 1;
    note = `exit status ${code} (${passed} tests passed before that)`;
  } else if (code === 0 && passed + failed === 0) {
    failed = 1;
    note = "ran no test";
  }
  record(name, passed, failed, note);
}

/** Whether this machine is Debian (or a derivative) and we are root, so apt-get can install packages. */
function canApt() {
  return (
    process.platform === "linux" && process.getuid?.() === 0 && existsSync("/etc/debian_version") && which("apt-get")
  );
}

/**
 * Makes sure Chromium, ChromeDriver and a font exist: installs them with apt-get on Debian as root, otherwise
 * explains what to install. Returns whether a browser can be used.
 */
async function ensureBrowser() {
  const missing = !chromePath() || !chromedriverPath() || (canApt() && !existsSync(DEJAVU));
  if (!missing) {
    say(`browser: ${chromePath()}, driver: ${chromedriverPath()}`);
    return true;
  }
  if (canApt()) {
    say("Chromium, ChromeDriver or fonts missing: installing them with apt-get");
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    const updated = (await runTee("apt-get", ["update"], { env })).code === 0;
    const packages = ["chromium", "chromium-driver", "fonts-dejavu-core"];
    const installed =
      updated &&
      (await runTee("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { env })).code === 0;
    record("install Chromium and ChromeDriver (apt-get)", installed ? 1 : 0, installed ? 0 : 1);
  } else {
    console.error(
      "Chromium (or Chrome) and a matching ChromeDriver are needed for the wasm and browser tests.\n" +
        "  Debian/Ubuntu: sudo apt-get install chromium chromium-driver fonts-dejavu-core\n" +
        "  Elsewhere: install Chrome or Chromium and the ChromeDriver of the same version, then set\n" +
        "  CHROME_PATH=/path/to/chrome and CHROMEDRIVER=/path/to/chromedriver (or put chromedriver on PATH).",
    );
  }
  return Boolean(chromePath() && chromedriverPath());
}

/**
 * The environment for `cargo test --target wasm32-unknown-unknown`: wasm-bindgen-test-runner drives Chromium
 * through ChromeDriver and reads extra capabilities from a webdriver.json file. The repository's webdriver.json
 * (browser switches) is used with the browser binary added, so that CHROME_PATH is honoured.
 */
function wasmTestEnv() {
  const repoFile = join(ROOT, "webdriver.json");
  const capabilities = existsSync(repoFile) ? JSON.parse(readFileSync(repoFile, "utf8")) : {};
  const options = (capabilities["goog:chromeOptions"] ??= {});
  options.binary = chromePath();
  options.args = [...new Set([...(options.args ?? []), "--headless=new", "--no-sandbox", "--disable-gpu"])];
  const file = join(ROOT, "target", "webdriver.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(capabilities, null, 2));
  return {
    CHROMEDRIVER: chromedriverPath(),
    WASM_BINDGEN_TEST_WEBDRIVER_JSON: file,
    WASM_BINDGEN_TEST_TIMEOUT: "180",
  };
}

async function main() {
  check("setup (wasm32 target, wasm-bindgen CLI, npm packages)", setup);
  const browser = await ensureBrowser();

  // --all/--workspace: the pure models are a crate of their own (models/, rooted at src/models.rs).
  await command("cargo fmt --check", "cargo", ["fmt", "--all", "--check"]);
  await command("cargo clippy (native)", "cargo", ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
  // The wasm tests (wasm-bindgen-test in src/web.rs and tests/web.rs) too: a test that no longer compiled for
  // wasm32 once passed this step and failed only when the wasm tests ran.
  await command("cargo clippy (wasm32)", "cargo", [
    "clippy",
    "--workspace",
    "--target",
    "wasm32-unknown-unknown",
    "--lib",
    "--tests",
    "--",
    "-D",
    "warnings",
  ]);
  // The English page's module is the crate without its `zh` feature (scripts/build.mjs): it must compile cleanly
  // for wasm32, and its languages module must answer requests for Chinese in English.
  await command("cargo clippy (wasm32, without zh)", "cargo", [
    "clippy",
    "--target",
    "wasm32-unknown-unknown",
    "--lib",
    "--no-default-features",
    "--",
    "-D",
    "warnings",
  ]);
  await suite("cargo test (native)", "cargo", ["test", "--no-fail-fast"], libtestCounts);
  await suite(
    "cargo test (native, without zh: the languages module)",
    "cargo",
    ["test", "--no-default-features", "--lib", "i18n::"],
    libtestCounts,
  );
  if (browser) {
    await suite(
      "cargo test (wasm32, headless Chromium)",
      "cargo",
      ["test", "--no-fail-fast", "--target", "wasm32-unknown-unknown"],
      libtestCounts,
      wasmTestEnv(),
    );
  } else {
    record("cargo test (wasm32, headless Chromium)", 0, 1, "no Chromium or ChromeDriver");
  }

  await suite(
    "unit tests of the web shell (node --test tests/unit/)",
    process.execPath,
    ["--test", "--test-reporter=spec", "tests/unit/"],
    nodeTestCounts,
  );

  let built = false;
  check("npm run build", () => {
    build();
    built = true;
  });
  if (!built) record("browser tests", 0, 1, "skipped: the build failed");
  else if (!browser) record("browser tests", 0, 1, "skipped: no Chromium (set CHROME_PATH)");
  else {
    const args = ["--test", "--test-concurrency=1", "--test-reporter=spec", "tests/e2e/"];
    await suite("browser tests (node --test tests/e2e/)", process.execPath, args, nodeTestCounts);
  }

  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  console.log("\nSummary:");
  for (const r of results) {
    const mark = r.failed === 0 ? "ok  " : "FAIL";
    console.log(`  ${mark} ${r.name}${r.note ? ` — ${r.note}` : ""}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
