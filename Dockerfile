# syntax=docker/dockerfile:1
# One image for Kinga's worker, API (+ built UI) and one-shot tasks; docker-compose.yml picks the
# command (`npm run worker`, `npm run api`, `npm run migrate`).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsx (a devDependency) runs the TypeScript entry points, so dev dependencies stay installed
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run ui:build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KINGA_DATA_DIR=/app/.kinga
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/.kinga && chown node:node /app/.kinga
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
