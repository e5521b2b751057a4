# Anlaufstelle: one image for both process roles (HTTP app and queue worker).
#   docker build -t anlaufstelle .
#   app:    node dist/src/main.js    (default CMD)
#   worker: node dist/src/worker.js

# ---- build: full dependencies, compile TypeScript ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime: production dependencies, compiled code, templates ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY templates ./templates
# EUPL-1.2: the licence travels with every copy of the work, images included.
COPY LICENSE ./
# Files stay owned by root: the process (user node) can read its code and templates but not change them.
USER node
EXPOSE 3000
# Liveness only (process answers); readiness with the database check is GET /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
