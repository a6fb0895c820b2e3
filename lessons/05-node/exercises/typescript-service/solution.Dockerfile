# Stage "build": the full Node image, every dependency (dev ones included), the TypeScript compile.
FROM stagecraft/node:18 AS build
WORKDIR /app
# Manifests first: the npm ci layer stays cached while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src/ src/
RUN npm run build

# The final image: slim Node, production dependencies only, the compiled JavaScript.
FROM stagecraft/node:18-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Same RUN: the cache is gone before the layer is written.
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 8080
# The slim image has no curl: probe with node itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s CMD ["node", "dist/healthcheck.js"]
# Exec form: node is process 1 and receives SIGTERM itself.
CMD ["node", "dist/server.js"]
