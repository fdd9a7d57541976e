# syntax=docker/dockerfile:1
# One image for Kinga's worker, API (+ built UI) and one-shot tasks; docker-compose.yml picks the
# command. node runs each entry point itself (tsx as a loader, not a wrapper), so SIGTERM reaches
# the process that drains: `docker run --init kinga node --import tsx workers/worker.ts`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsx (a devDependency) runs the TypeScript entry points, so dev dependencies stay installed
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run ui:build
# Production workers load this pre-built bundle (workflows + their log-correlation interceptors)
# instead of bundling at every start.
RUN npm run bundle:workflows

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KINGA_DATA_DIR=/app/.kinga \
    KINGA_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/.kinga && chown node:node /app/.kinga
USER node
# 3000 API + UI; 9464 API metrics; 9465 worker SDK metrics; 9466 worker probes (METRICS_HOST decides the interface)
EXPOSE 3000 9464 9465 9466
CMD ["node", "--import", "tsx", "api/server.ts"]
