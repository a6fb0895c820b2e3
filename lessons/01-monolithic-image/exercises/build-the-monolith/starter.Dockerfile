# One stage: the Go toolchain, the sources and the program all end up in the same image.
FROM stagecraft/golang:1.19

WORKDIR /src
COPY go.mod main.go ./

# TODO: compile the program into /usr/local/bin/greeter

# TODO: start the program with the exec form (a JSON array)
CMD greeter
