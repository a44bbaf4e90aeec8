# syntax=docker/dockerfile:1
# One image for the five apps; APP selects the one that runs:
#   docker build --build-arg APP=delivery -t streamgate:delivery .
#   docker run -e APP=ingest ... (overrides the build-time default)
# The image also runs `node tools/dist/stack/provision.js` (topic provisioning).

ARG NODE_IMAGE=node:20-bookworm-slim

# Workspace manifests only, so `npm ci` stays cached while sources change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && for f in libs/*/package.json; do mkdir -p "/manifests/$(dirname "$f")" && cp "$f" "/manifests/$f"; done

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund
# What the runtime needs: node_modules (workspace symlinks included), libs/*/package.json
# and every dist/ folder (libs, apps, tools).
RUN mkdir -p /out \
 && cp -a node_modules /out/ \
 && for d in libs/* apps/* tools; do \
      if [ -d "$d/dist" ]; then mkdir -p "/out/$d" && cp -a "$d/dist" "/out/$d/"; fi; \
      if [ -f "$d/package.json" ]; then mkdir -p "/out/$d" && cp "$d/package.json" "/out/$d/"; fi; \
    done

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
# The unmodified manifests from the build context; files stay root-owned and read-only to `node`.
COPY package.json package-lock.json ./
COPY --from=build /out/ ./
USER node
# ingest 3001, enrichment 3002, access-control 3003, metering 3004, delivery 3005 (PORT overrides)
EXPOSE 3001 3002 3003 3004 3005
# exec: node becomes PID 1 and receives SIGTERM for its graceful shutdown.
CMD ["sh", "-c", "exec node \"apps/${APP:?set APP to ingest, enrichment, access-control, metering or delivery}/dist/main.js\""]
