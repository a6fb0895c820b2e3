# Stage "build": every dependency, devDependencies included, and the TypeScript compile.
FROM stagecraft/node:18 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src/ src/
RUN npm run build

# The final image: slim Node and the build's output.
FROM stagecraft/node:18-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
# The builder already installed the packages: reuse its node_modules.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "require('http').get('http://127.0.0.1:3000/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
CMD ["node", "dist/server.js"]
