# Stage "build": every dependency, devDependencies included, and the TypeScript compile.
FROM stagecraft/node:18 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src/ src/
RUN npm run build

# The final image: slim Node, production dependencies only, the compiled JavaScript.
FROM stagecraft/node:18-slim
ENV NODE_ENV=production
WORKDIR /app
# Install from the lock file again, without devDependencies: express and its dependencies ship,
# TypeScript and the @types packages stay in the builder. Clean npm's cache in the same step.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "require('http').get('http://127.0.0.1:3000/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
CMD ["node", "dist/server.js"]
