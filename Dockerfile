# syntax=docker/dockerfile:1
# One image for every Checkout service. TypeScript runs through tsx (no build step, ADR 0006), so the
# image keeps the dev dependencies (tsx is one). The service is the command:
#
#   docker build -t checkout .
#   docker run checkout apps/orders/src/main.ts              # or inventory, payments
#   docker run checkout apps/stripe-sim/src/main.ts          # the Stripe simulator (STRIPE_SIM_HOST=0.0.0.0)

# Only the package manifests, so that the `npm ci` layer below is reused until a dependency changes.
FROM node:24-slim AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

FROM node:24-slim
WORKDIR /app
COPY --from=manifests /src/ ./
# the full install (tsx and the other dev dependencies are needed at run time); NODE_ENV is set after it
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# the `node` user of the base image (uid 1000)
USER node

# /healthz answers once the service listens; /readyz also checks PostgreSQL, NATS (and Redis for orders)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM drains (stops consuming, finishes in-flight messages, flushes the outbox) within SHUTDOWN_GRACE_MS
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["apps/orders/src/main.ts"]
