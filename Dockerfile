# syntax=docker/dockerfile:1

# Production dependencies, installed exactly as package-lock.json pins them (npm honours the lockfile;
# no install scripts are needed: libSQL's native binary ships in a registry package).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The service bundled into one file (npm run build): started from its sources it would first resolve,
# read and transpile ~800 modules, which is most of its start-up. The bundle's bytecode (index.js.jsc)
# is only used by the Bun version that wrote it: this stage and the runtime's use the same image.
FROM oven/bun:1.4.5-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY scripts/build.ts ./scripts/build.ts
COPY src ./src
RUN bun scripts/build.ts

# Runtime: the official Bun image, the bundle, the migrations, a non-root user. node_modules holds the
# database binding and the explorer's files the bundle loads at run time; the sources stay for the CLI
# (`bun src/cli/index.ts`, which Bun runs as TypeScript).
FROM oven/bun:1.4.5-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    DATABASE_URL=file:/data/pms-gateway.db
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY drizzle ./drizzle
COPY src ./src
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown bun:bun /data
USER bun
EXPOSE 8080
# Migrations run at start, before the service listens; /ready answers once they are applied.
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD ["bun", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/ready`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "dist/index.js"]
