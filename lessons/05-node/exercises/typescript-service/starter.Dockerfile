# One stage: the full Node image, TypeScript, the sources, every devDependency and npm's cache
# all ship, and the service runs as root behind a shell.
FROM stagecraft/node:18

WORKDIR /app
COPY . .

RUN npm ci
RUN npm run build

EXPOSE 8080
CMD npm start
