#!/usr/bin/env node
/* global process, Buffer */
// The ceiling for a server-rendered page: a bare Fastify server answering every GET with a fixed
// body of the same bytes and content type, no framework, no template, no database. Run as its own
// process: `node bench/bare-server.mjs <body-file> [content-type]`; prints {"port":N} once listening.
import { readFileSync } from 'node:fs';
import fastify from 'fastify';

const [bodyFile, contentType = 'text/html; charset=utf-8'] = process.argv.slice(2);
const body = bodyFile ? readFileSync(bodyFile) : Buffer.from('ok');
const app = fastify({ logger: false });
app.get('/*', (_req, reply) => {
  reply.header('content-type', contentType).send(body);
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: app.server.address().port, bytes: body.length }) + '\n');
const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
