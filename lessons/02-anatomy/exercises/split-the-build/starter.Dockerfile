# One stage: the Go toolchain, the sources and the program all end up in the same image.
FROM stagecraft/golang:1.19

WORKDIR /src
COPY go.mod main.go ./

RUN go build -o /usr/local/bin/greeter .

CMD ["greeter"]
