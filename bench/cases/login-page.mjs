// GET /login (a server-rendered page: session-less CSRF cookie, i18n, Handlebars) next to its
// same-run ceiling: a bare Fastify process answering with the very same bytes.
import { pageVsBare } from '../lib/page-vs-bare.mjs';

export default {
  name: 'login-page',
  description: 'GET /login vs bare Fastify with a body of the same size',
  async run(ctx) {
    return (await pageVsBare(ctx, '/login')).rows;
  },
};
