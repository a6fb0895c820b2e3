# Stage 0 (no name): compile the server.
FROM stagecraft/golang:1.19
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/siteserver .

# Stage 1, "assets": gzip the site once, at build time, so the server never has to.
FROM stagecraft/busybox:1.35 AS assets
COPY public/ /site/
RUN gzip -9 -k /site/*.html /site/*.css

# Stage 2, the image that ships.
FROM stagecraft/distroless-static:nonroot
# Stages count from 0: the unnamed Go stage is 0. (A name would survive a stage inserted above.)
COPY --from=0 /out/siteserver /usr/local/bin/siteserver
# By name: the whole folder, the .html/.css files and their .gz twins.
COPY --from=assets /site /site
EXPOSE 8080
CMD ["/usr/local/bin/siteserver"]
