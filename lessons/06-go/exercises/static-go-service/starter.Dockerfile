# One stage: the Go toolchain, the module proxy, the sources and the service all ship together.
FROM stagecraft/golang:1.19

WORKDIR /src
# Everything at once: any edit to main.go invalidates this layer and every step after it.
COPY . .

# The sandbox has no network: the module comes from the proxy folder in the build context.
ENV GOPROXY=file:///src/goproxy
RUN go mod download
RUN go build -o /usr/local/bin/stockroom .

EXPOSE 8080
CMD stockroom
