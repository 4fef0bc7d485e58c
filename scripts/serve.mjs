// Serves the built site (dist/) on the loopback interface. `npm start` runs it after setup and build; the
// browser tests and the benchmark import startServer() to serve dist/ on a free port of their own.

import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sirv from "sirv";
import { DIST } from "./lib.mjs";

/**
 * Starts a static file server for `root` on `host:port` (port 0 picks a free port). Files are read from disk on
 * every request and never cached, so a rebuild shows on the next reload. Every file is sent with
 * `Access-Control-Allow-Origin: *`, which the script embed needs on a page of another origin (docs/embedding.md).
 * Resolves to `{ url, close }`.
 */
export function startServer({ root = DIST, port = 0, host = "127.0.0.1" } = {}) {
  const files = sirv(root, {
    dev: true,
    dotfiles: false,
    setHeaders: (res) => res.setHeader("Access-Control-Allow-Origin", "*"),
  });
  const server = createServer((req, res) => {
    files(req, res, () => {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("Not found\n");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!existsSync(join(DIST, "index.html"))) {
    console.error("dist/ has not been built yet: run `npm run build` (or `npm start`, which builds first).");
    process.exit(1);
  }
  const port = Number(process.env.PORT || 8080);
  startServer({ port })
    .then(({ url }) => console.log(`Serving dist/ at ${url} (press Ctrl+C to stop)`))
    .catch((err) => {
      console.error(`could not serve on port ${port}: ${err.message}`);
      process.exit(1);
    });
}
