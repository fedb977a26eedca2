// A Standard Webhooks receiver for the outbound tests and benches, verifying every
// delivery with the npm `standardwebhooks` package as a shop's receiver would.
//   node tests/e2e/receiver.mjs PORT OUT.jsonl [SECRET ...]
// Appends one line per delivery to OUT.jsonl: {"id", "timestamp", "type", "customer_id",
// "content_type", "body" (parsed), "verified", "error", "mode", "at"} (at: ms since 1970
// when it arrived). Verified against any of the secrets; a delivery that fails
// verification is answered 401, whatever the mode. How it answers a verified one is its
// mode, "ok" at the start, changed by a POST /_mode with the new mode as body (answered
// 204):
//   ok             204 at once
//   status:N       HTTP N (500, 503, 410 …)
//   slow:MS        204 after MS milliseconds
//   hang           never answers (the connection stays open)
//   redirect       302 to /elsewhere
//   huge           200 with a 20 MB body
// POST /_secrets with a JSON array replaces the secrets. Prints "listening PORT" once up.
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../scripts/tools/package.json', import.meta.url));
const { Webhook } = require('standardwebhooks');

const [port, out, ...initial] = process.argv.slice(2);
let secrets = initial;
let mode = 'ok';
const huge = Buffer.alloc(20 * 1024 * 1024, 'x');

function verify(body, headers) {
  let error = 'no secret';
  for (const s of secrets) {
    try {
      new Webhook(s).verify(body, {
        'webhook-id': headers['webhook-id'],
        'webhook-timestamp': headers['webhook-timestamp'],
        'webhook-signature': headers['webhook-signature'],
      });
      return null;
    } catch (e) {
      error = String(e.message || e);
    }
  }
  return error;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/_mode') {
      mode = body.trim();
      res.writeHead(204).end();
      return;
    }
    if (req.url === '/_secrets') {
      secrets = JSON.parse(body);
      res.writeHead(204).end();
      return;
    }
    const error = verify(body, req.headers);
    let type = null, customer = null, parsed = null;
    try {
      const j = JSON.parse(body);
      parsed = j;
      type = j.type;
      customer = j.data && j.data.customer_id !== undefined ? j.data.customer_id : null;
    } catch (e) { /* recorded as unverified anyway */ }
    appendFileSync(out, JSON.stringify({
      id: req.headers['webhook-id'] || null, timestamp: req.headers['webhook-timestamp'] || null,
      type, customer_id: customer, content_type: req.headers['content-type'] || null,
      body: parsed, verified: error === null, error, mode, at: Date.now(),
    }) + '\n');
    const [m, arg] = mode.split(':');
    if (error !== null) res.writeHead(401).end();
    else if (m === 'status') res.writeHead(Number(arg)).end();
    else if (m === 'slow') setTimeout(() => res.writeHead(204).end(), Number(arg));
    else if (m === 'hang') { /* no answer */ }
    else if (m === 'redirect') res.writeHead(302, { location: '/elsewhere' }).end();
    else if (m === 'huge') res.writeHead(200, { 'content-type': 'text/plain' }).end(huge);
    else res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 30000;
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));
