# It builds, it runs on a laptop, and it has four security problems. The checks name them.
FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/weather .

FROM stagecraft/debian:bookworm-slim
# The token from .env, baked in so that `docker run` works without any flags.
ARG API_TOKEN=wx_live_7c1e94b2d05a4f3e
ENV API_TOKEN=$API_TOKEN
WORKDIR /app
COPY --from=build /out/weather /app/weather
EXPOSE 8080
CMD ["/app/weather"]
