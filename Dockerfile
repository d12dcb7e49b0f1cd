# syntax=docker/dockerfile:1
#
# Pasban's production image: one image, three roles chosen by the command.
#   API (default):  docker run pasban                      -> npm run api
#   Worker:         docker run pasban npm run worker       (scale it out as load needs)
#   Migrations:     docker run pasban npm run migrate      (one-shot, before API/worker)
# All configuration comes from the environment (see platform/config.ts); the API and the worker
# need DATABASE_URL and TEMPORAL_ADDRESS. docker-compose.yml wires up the whole stack.
#
# TypeScript runs through tsx (a runtime dependency), exactly as `npm run api|worker|migrate` do on
# a developer machine, so there is no separate build step whose output could drift from the source.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# package.json's `allowScripts` (which dependency install scripts may run) is honoured by npm 11
# only; node:20 ships npm 10, which would run every dependency's install script (Prisma's engine
# download among them). Pin the npm the project is developed and tested with.
ARG NPM_VERSION=11.19.1
# npm runs scripts through `sh -c`; Debian's dash keeps itself between npm and the program and dies
# on SIGTERM without passing it on, so `docker stop` would never reach the API or worker. bash
# execs a script's single command: npm forwards SIGTERM to tsx, tsx to node, and Pasban's own
# handlers stop the server/worker cleanly (exit 0).
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_SCRIPT_SHELL=/bin/bash
RUN npm install --global "npm@${NPM_VERSION}" \
 && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# Dependencies. Only what the install needs is copied, so this layer is rebuilt only when the
# lockfile or the Prisma schema changes. `npm ci` installs exactly the lockfile's tree (which
# records every platform's optional binaries) and fails if package.json disagrees with it. Our
# own postinstall runs `prisma generate` (devDependency `prisma`) into generated/; its console
# step (scripts/build-console.mjs) finds no console sources here and skips: the console stage
# below builds it.
FROM base AS deps
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs scripts/build-console.mjs ./scripts/
RUN npm ci \
 && test -f generated/prisma/client.ts \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# The web console (console/, served at `/`): built exactly as `npm install` and `npm start` build
# it on a developer machine (bin/build-console.ts: the API's types from the OpenAPI document, then
# Vite), with the devDependencies (Vite, openapi-typescript) that the runtime image does not carry.
# Without this stage the image answered 503 at `/` ("the web console is not built").
FROM deps AS console
COPY . .
RUN npx tsx bin/build-console.ts \
 && test -f console/dist/index.html \
 && test -f console/dist/.build-stamp

# ---------------------------------------------------------------------------------------------
# The runtime's node_modules: the devDependencies pruned (`npm prune` does not run install scripts again).
FROM deps AS prod-deps
RUN npm prune --omit=dev \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# Application files stay owned by root (read-only for the app user); only the data directory,
# which just `npm start`'s embedded services would use, is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=deps /app/generated ./generated
COPY . .
COPY --from=console /app/console/dist ./console/dist
RUN mkdir -p .data && chown node:node .data

# The `node` user (uid 1000) of the official image.
USER node
EXPOSE 3000

# Liveness of the API (the worker, run from this image too, turns this off in docker-compose.yml).
# node:*-slim has no curl/wget, so Node itself asks. HOST must be 0.0.0.0 or 127.0.0.1 for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/healthz',timeout:4000},(r)=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(1))"]

# SIGTERM reaches the app through npm and tsx (see NPM_CONFIG_SCRIPT_SHELL above).
CMD ["npm", "run", "api"]
