# syntax=docker/dockerfile:1
# The management plane: `npm ci` and `npm run build` (the production app and the runner artifact it
# serves), then a final image with only the standalone output (.next/standalone: server.js, the
# production dependencies it traced, static files, migrations and dist/runner), run as a non-root user.
#
#   docker build -t scm-plane .
#   docker run -p 127.0.0.1:3000:3000 -e DATABASE_URL=... -e PUBLIC_BASE_URL=... -e AUTH_SECRET=... scm-plane
#
# Without DATABASE_URL the plane keeps an embedded PGlite database in the /data volume.
# Behind a TLS-intercepting proxy, give npm the proxy's CA bundle as a build secret:
#   --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt
# and a registry mirror with --build-arg NPM_CONFIG_REGISTRY=https://...
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
WORKDIR /src
COPY package.json package-lock.json ./
# Every dependency, the development ones too: the build type-checks the whole project.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund --loglevel=warn && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /src/node_modules ./node_modules
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS plane
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the server; it writes only to /data and Next's cache.
COPY --from=build /src/.next/standalone/ ./
RUN mkdir -p /data .next/cache && chown node:node /data .next/cache
USER node
VOLUME ["/data"]
EXPOSE 3000
# /login answers 200, or 307 to /setup before the organization exists.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/login', { redirect: 'manual', signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status < 400 ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start` runs: the standalone server, which migrates the database on start.
CMD ["node", "server.js"]
