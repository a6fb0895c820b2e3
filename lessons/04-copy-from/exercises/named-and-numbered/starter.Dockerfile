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
# TODO: copy /out/siteserver out of stage 0, by its number, to /usr/local/bin/siteserver.
# TODO: copy the /site folder out of the assets stage, by its name.
EXPOSE 8080
CMD ["/usr/local/bin/siteserver"]
